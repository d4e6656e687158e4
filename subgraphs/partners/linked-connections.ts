// Batched connections of rows linked to regions through a link table, each row
// once per parent however many of its links fall within the parent region:
// "partners paired with this region or any region within it". Shaped like
// platform/connections.ts's createConnectionLoader (one SQL statement per
// batch of pages, one more for `totalCount` when asked for); it may belong in
// platform/ as a third kind of parent join.
import DataLoader from 'dataloader';
import { sql, type Kysely, type SqlBool } from 'kysely';
import { loadGrouped, type ConnectionRequest, type Filter } from '../../platform/connections';
import { toConnection, type Connection, type Page } from '../../platform/pagination';
import { regionRange } from '../../platform/region-codes';

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
  const values = parents.map((parent) => {
    const { lo, hi } = regionRange(parent);
    return sql`(${parent}, ${lo}, ${hi})`;
  });
  const region = sql.ref(`l.${linked.link.region}`);
  return db
    .selectFrom(`${linked.link.table} as l`)
    .innerJoin(sql`(values ${sql.join(values)})`.as('p'), (on) => on.on(sql<SqlBool>`${region} >= p.column2 and ${region} < p.column3`))
    .select([sql<string>`p.column1`.as('parent'), sql.ref(`l.${linked.link.references}`).as('linked_key')])
    .distinct()
    .as('lk');
}

/** The first `page.limit + 1` linked rows of each parent region, in key order, in one statement. */
export async function linkedPagesByRegion<Row>(
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
export async function linkedCountsByRegion(
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

/**
 * A per-request loader of linked connections: requests with the same page and
 * filter, whatever their parent region, are answered by one SQL statement;
 * `totalCount`, when asked for, by one more per batch.
 */
export function createLinkedConnectionLoader<Row, F>(
  db: AnyDB,
  linked: LinkedTable,
  toFilter: (filter: F) => Filter | undefined,
): DataLoader<ConnectionRequest<F>, Connection<Row>, string> {
  const parentsOf = (requests: readonly { parent: string }[]) => [...new Set(requests.map((r) => r.parent))];
  const counts = new DataLoader<{ parent: string; filter: F }, number, string>(
    (requests) =>
      loadGrouped(requests, (r) => JSON.stringify(r.filter), async (group) => {
        const result = await linkedCountsByRegion(db, linked, parentsOf(group), toFilter(group[0].filter));
        return group.map((r) => result.get(r.parent) ?? 0);
      }),
    { cacheKeyFn: (r) => JSON.stringify([r.parent, r.filter]) },
  );
  return new DataLoader<ConnectionRequest<F>, Connection<Row>, string>(
    (requests) =>
      loadGrouped(requests, (r) => JSON.stringify([r.page, r.filter]), async (group) => {
        const { page, filter } = group[0];
        const pages = await linkedPagesByRegion<Row>(db, linked, parentsOf(group), page, toFilter(filter));
        return group.map((r) =>
          toConnection(pages.get(r.parent) ?? [], page, (row) => String((row as Record<string, unknown>)[linked.key]), () =>
            counts.load({ parent: r.parent, filter }),
          ),
        );
      }),
    { cacheKeyFn: (r) => JSON.stringify([r.parent, r.page, r.filter]) },
  );
}
