// Batched connections of rows linked to regions through a link table, each row
// once per parent however many of its links fall within the parent region:
// "partners paired with this region or any region within it". A source for
// platform/connections.ts's connectionLoader (one SQL statement per batch of
// pages, one more for `totalCount` when asked for).
import type DataLoader from 'dataloader';
import { sql, type Kysely, type SqlBool } from 'kysely';
import { connectionLoader, parentValues, type ConnectionRequest, type Filter } from '../../platform/connections';
import type { Connection, Page } from '../../platform/pagination';

// Kysely<any>, as in platform/connections.ts: the helper names tables at run time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDB = Kysely<any>;

export interface LinkedTable {
  /** The listed table, aliased `t` in filters. */
  table: string;
  /** Its unique key: orders the list and is held by cursors. */
  key: string;
  link: {
    /** The link table, e.g. partner_region. */
    table: string;
    /** The link's column that references `key`. */
    references: string;
    /** The link's division code column (COLLATE "C"), matched by region range. */
    region: string;
  };
}

/** Distinct (parent, linked key) pairs: the links within each parent region, one row per linked key. */
function linkedKeys(db: AnyDB, linked: LinkedTable, parents: readonly string[]) {
  const region = sql.ref(`l.${linked.link.region}`);
  return db
    .selectFrom(`${linked.link.table} as l`)
    .innerJoin(parentValues({ kind: 'region', column: linked.link.region }, parents), (on) =>
      on.on(sql<SqlBool>`${region} >= p.column2 and ${region} < p.column3`),
    )
    .select([sql<string>`p.column1`.as('parent'), sql.ref(`l.${linked.link.references}`).as('linked_key')])
    .distinct()
    .as('lk');
}

/** The first `page.limit + 1` linked rows of each parent region, in key order, in one statement. */
async function linkedPagesByRegion<Row>(
  db: AnyDB,
  linked: LinkedTable,
  parents: readonly string[],
  page: Page,
  filter?: Filter,
): Promise<Map<string, Row[]>> {
  const byParent = new Map<string, Row[]>(parents.map((parent) => [parent, []]));
  if (parents.length === 0) return byParent;
  const key = sql.ref(`t.${linked.key}`);
  let inner = db
    .selectFrom(linkedKeys(db, linked, parents))
    .innerJoin(`${linked.table} as t`, (join) => join.onRef(`t.${linked.key}`, '=', 'lk.linked_key'))
    .selectAll('t')
    .select([sql<string>`lk.parent`.as('__parent'), sql<number>`row_number() over (partition by lk.parent order by ${key})`.as('__rank')]);
  if (filter) inner = inner.where(filter);
  if (page.afterKey !== null) inner = inner.where(key, '>', page.afterKey);
  const rows = await db
    .selectFrom(inner.as('ranked'))
    .selectAll()
    .where('__rank', '<=', page.limit + 1)
    .orderBy('__parent')
    .orderBy(sql.ref(linked.key))
    .execute();
  for (const { __parent, __rank: _rank, ...row } of rows) {
    byParent.get(__parent)?.push(row as Row);
  }
  return byParent;
}

/** How many distinct linked rows each parent region has, in one statement. */
async function linkedCountsByRegion(
  db: AnyDB,
  linked: LinkedTable,
  parents: readonly string[],
  filter?: Filter,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>(parents.map((parent) => [parent, 0]));
  if (parents.length === 0) return counts;
  let query = db
    .selectFrom(linkedKeys(db, linked, parents))
    .innerJoin(`${linked.table} as t`, (join) => join.onRef(`t.${linked.key}`, '=', 'lk.linked_key'))
    .select([sql<string>`lk.parent`.as('parent'), sql<number>`count(*)`.as('count')])
    .groupBy(sql`lk.parent`);
  if (filter) query = query.where(filter);
  for (const row of await query.execute()) counts.set(row.parent, Number(row.count));
  return counts;
}

/** A per-request loader of linked connections (linkedPagesByRegion, linkedCountsByRegion). */
export function createLinkedConnectionLoader<Row, F>(
  db: AnyDB,
  linked: LinkedTable,
  toFilter: (filter: F) => Filter | undefined,
): DataLoader<ConnectionRequest<F>, Connection<Row>, string> {
  return connectionLoader<Row, F>(
    {
      key: linked.key,
      pages: (parents, page, filter) => linkedPagesByRegion<Row>(db, linked, parents, page, filter),
      counts: (parents, filter) => linkedCountsByRegion(db, linked, parents, filter),
    },
    toFilter,
  );
}
