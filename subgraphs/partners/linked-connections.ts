// Batched connections of rows linked to regions through a link table, each row
// once per parent however many of its links fall within the parent region:
// "partners paired with this region or any region within it". A source for
// platform/data/connections.ts's connectionLoader (one SQL statement per batch of
// pages, one more for `totalCount` when asked for).
import { sql, type Kysely, type SqlBool } from 'kysely';
import { countPerParent, firstRanked, pagesOf, parentValues, type ConnectionSource, type Filter } from '../../platform/data/connections';
import type { Page } from '../../platform/data/pagination';

// Kysely<any>, as in platform/data/connections.ts: the helper names tables at run time.
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
  const key = sql.ref(`t.${linked.key}`);
  return pagesOf<Row>(parents, () => {
    const ranked = linkedRows(db, linked, parents)
      .selectAll('t')
      .select([sql<string>`lk.parent`.as('__parent'), sql<number>`row_number() over (partition by lk.parent order by ${key})`.as('__rank')]);
    return firstRanked(db, ranked, linked.key, page, filter);
  });
}

/** The listed rows `t` linked within each parent region (`lk.parent`), each once per parent. */
function linkedRows(db: AnyDB, linked: LinkedTable, parents: readonly string[]) {
  return db.selectFrom(linkedKeys(db, linked, parents)).innerJoin(`${linked.table} as t`, (join) => join.onRef(`t.${linked.key}`, '=', 'lk.linked_key'));
}

/** How many distinct linked rows each parent region has, in one statement. */
async function linkedCountsByRegion(
  db: AnyDB,
  linked: LinkedTable,
  parents: readonly string[],
  filter?: Filter,
): Promise<Map<string, number>> {
  if (parents.length === 0) return new Map();
  return countPerParent(linkedRows(db, linked, parents), sql`lk.parent`, parents, filter);
}

/** Linked rows as a source of connections (platform/data/connections.ts's connectionLoader): linkedPagesByRegion, linkedCountsByRegion. */
export function linkedSource<Row>(db: AnyDB, linked: LinkedTable): ConnectionSource<Row> {
  return {
    key: linked.key,
    pages: (parents, page, filter) => linkedPagesByRegion<Row>(db, linked, parents, page, filter),
    counts: (parents, filter) => linkedCountsByRegion(db, linked, parents, filter),
  };
}
