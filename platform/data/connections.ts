// Batched connections: many parents' pages of one child table in ONE SQL
// statement (and their counts in one more, only when asked for), so a list of
// 100 regions or offices, each with its first 5 cases, costs two statements.
import DataLoader from 'dataloader';
import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { badUserInput } from '../core/errors';
import type { Filter } from '../core/filter';
import { toConnection, type Connection, type Page } from './pagination';
import { regionRange } from '../core/region-codes';

/**
 * How a child row belongs to a parent key:
 * - `region`: the child's `column` holds a division code within the parent region (range match);
 * - `equal`: the child's `column` equals the parent key;
 * - `all`: there is one parent, the whole table.
 */
export type ParentJoin = { kind: 'region'; column: string } | { kind: 'equal'; column: string } | { kind: 'all' };

// Kysely<any> because the helper serves every subgraph's tables; each subgraph
// types its rows at the call (see createConnectionLoader's Row parameter).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDB = Kysely<any>;
/** The condition a list or count takes (its home is the core, so that the access checks can build one). */
export type { Filter };

export interface ChildTable {
  /** The child table, aliased `t` in filters. */
  table: string;
  join: ParentJoin;
  /** A unique column that orders the list and is held by cursors. */
  key: string;
  /** `integer` when the key column is a number: a cursor holding anything else is refused. */
  keyKind?: 'integer' | 'text';
}

/** The parents as a VALUES list aliased `p`: column1 the parent key, column2 and column3 its code range (region joins). */
export function parentValues(join: ParentJoin, parents: readonly string[]) {
  const rows = parents.map((parent) => {
    const { lo, hi } = join.kind === 'region' ? regionRange(parent) : { lo: parent, hi: parent };
    return sql`(${parent}, ${lo}, ${hi})`;
  });
  // A VALUES list's columns are column1 (the parent key), column2 (lo), column3 (hi).
  return sql`(values ${sql.join(rows)})`.as('p');
}

function joinCondition(join: ParentJoin) {
  switch (join.kind) {
    case 'region':
      return sql<SqlBool>`${sql.ref(`t.${join.column}`)} >= p.column2 and ${sql.ref(`t.${join.column}`)} < p.column3`;
    case 'equal':
      return sql<SqlBool>`${sql.ref(`t.${join.column}`)} = p.column1`;
    case 'all':
      return sql<SqlBool>`true`;
  }
}

/**
 * The first `page.limit + 1` rows of each parent, in key order, in one statement.
 * Children by an equal key (an office's events) are read per parent with a
 * LATERAL subquery, an index scan that stops after the page: the cost follows
 * the page size, not how many children each parent has. Children within a
 * region range are ranked with a window function instead: a per-parent
 * `ORDER BY key LIMIT` would be planned once for ranges of every size.
 */
export async function pagesByParent<Row>(
  db: AnyDB,
  child: ChildTable,
  parents: readonly string[],
  page: Page,
  filter?: Filter,
): Promise<Map<string, Row[]>> {
  return pagesOf<Row>(parents, async () => {
    if (page.afterKey !== null && child.keyKind === 'integer' && !/^\d{1,18}$/.test(page.afterKey)) {
      throw badUserInput('after', 'is not a cursor this API gave out');
    }
    return child.join.kind === 'region' ? rankedPages(db, child, parents, page, filter) : lateralPages(db, child, parents, page, filter);
  });
}

/** A page's rows as they come from SQL: the row, its parent (`__parent`) and, when ranked, its rank within it. */
type PageRow = Record<string, unknown> & { __parent: string; __rank?: number };

/** Each parent's rows (without `__parent` and `__rank`), in the order `read` gives them; with no parents, nothing is read. */
export async function pagesOf<Row>(parents: readonly string[], read: () => Promise<PageRow[]>): Promise<Map<string, Row[]>> {
  const byParent = new Map<string, Row[]>(parents.map((parent) => [parent, []]));
  if (parents.length === 0) return byParent;
  for (const { __parent, __rank: _rank, ...row } of await read()) {
    byParent.get(__parent)?.push(row as Row);
  }
  return byParent;
}

async function lateralPages(db: AnyDB, child: ChildTable, parents: readonly string[], page: Page, filter?: Filter): Promise<PageRow[]> {
  const key = sql.ref(`t.${child.key}`);
  const rows = await db
    .selectFrom(parentValues(child.join, parents))
    .innerJoinLateral(
      (eb) => {
        let children = eb.selectFrom(`${child.table} as t`).selectAll('t').where(joinCondition(child.join));
        if (filter) children = children.where(filter);
        if (page.afterKey !== null) children = children.where(key, '>', page.afterKey);
        return children.orderBy(key).limit(page.limit + 1).as('x');
      },
      (join) => join.onTrue(),
    )
    .selectAll('x')
    .select(sql<string>`p.column1`.as('__parent'))
    .orderBy('__parent')
    .orderBy(sql.ref(`x.${child.key}`))
    .execute();
  return rows as PageRow[];
}

async function rankedPages(db: AnyDB, child: ChildTable, parents: readonly string[], page: Page, filter?: Filter): Promise<PageRow[]> {
  const key = sql.ref(`t.${child.key}`);
  const ranked = db
    .selectFrom(`${child.table} as t`)
    .innerJoin(parentValues(child.join, parents), (on) => on.on(joinCondition(child.join)))
    .selectAll('t')
    .select([sql<string>`p.column1`.as('__parent'), sql<number>`row_number() over (partition by p.column1 order by ${key})`.as('__rank')]);
  return firstRanked(db, ranked, child.key, page, filter);
}

/**
 * Of rows `t` ranked within their parent (`__parent`, `__rank` in key order),
 * the filter's after the page's cursor, the first `page.limit + 1` of each
 * parent, in parent and key order.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function firstRanked(db: AnyDB, ranked: SelectQueryBuilder<any, any, any>, keyColumn: string, page: Page, filter?: Filter): Promise<PageRow[]> {
  const key = sql.ref(`t.${keyColumn}`);
  let inner = ranked;
  if (filter) inner = inner.where(filter);
  if (page.afterKey !== null) inner = inner.where(key, '>', page.afterKey);
  const rows = await db
    .selectFrom(inner.as('ranked'))
    .selectAll()
    .where('__rank', '<=', page.limit + 1)
    .orderBy('__parent')
    .orderBy(sql.ref(keyColumn))
    .execute();
  return rows as PageRow[];
}

/** How many rows each parent has, in one statement. */
export async function countsByParent(
  db: AnyDB,
  child: ChildTable,
  parents: readonly string[],
  filter?: Filter,
): Promise<Map<string, number>> {
  if (parents.length === 0) return new Map();
  const rows = db.selectFrom(`${child.table} as t`).innerJoin(parentValues(child.join, parents), (on) => on.on(joinCondition(child.join)));
  return countPerParent(rows, sql`p.column1`, parents, filter);
}

/** How many of the rows `t` (filtered) each parent has (0 for none), in one statement; `parent` is the rows' parent key. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function countPerParent(rows: SelectQueryBuilder<any, any, any>, parent: RawBuilder<unknown>, parents: readonly string[], filter?: Filter): Promise<Map<string, number>> {
  const counts = new Map<string, number>(parents.map((p) => [p, 0]));
  let query = rows.select([sql<string>`${parent}`.as('parent'), sql<number>`count(*)`.as('count')]).groupBy(parent);
  if (filter) query = query.where(filter);
  for (const row of await query.execute()) counts.set(row.parent, Number(row.count));
  return counts;
}

export interface ConnectionRequest<F> {
  parent: string;
  page: Page;
  /** The list's filter arguments, as given; requests with equal filters share a statement. */
  filter: F;
}

/** Where a connection's rows come from: many parents' pages in one statement, their counts in one more. */
export interface ConnectionSource<Row> {
  /** The unique column that orders the list and is held by cursors. */
  key: string;
  pages(parents: readonly string[], page: Page, filter: Filter | undefined): Promise<Map<string, Row[]>>;
  counts(parents: readonly string[], filter: Filter | undefined): Promise<Map<string, number>>;
}

/**
 * A per-request loader of connections from one source: requests with the
 * same page and filter, whatever their parent, are answered by one SQL
 * statement; `totalCount`, when asked for, by one more per batch.
 */
export function connectionLoader<Row, F>(
  source: ConnectionSource<Row>,
  toFilter: (filter: F) => Filter | undefined,
): DataLoader<ConnectionRequest<F>, Connection<Row>, string> {
  const counts = new DataLoader<{ parent: string; filter: F }, number, string>(
    (requests) => loadGrouped(requests, (r) => JSON.stringify(r.filter), async (group) => {
      const result = await source.counts(uniqueParents(group), toFilter(group[0].filter));
      return group.map((r) => result.get(r.parent) ?? 0);
    }),
    { cacheKeyFn: (r) => JSON.stringify([r.parent, r.filter]) },
  );
  return new DataLoader<ConnectionRequest<F>, Connection<Row>, string>(
    (requests) => loadGrouped(requests, (r) => JSON.stringify([r.page, r.filter]), async (group) => {
      const { page, filter } = group[0];
      const pages = await source.pages(uniqueParents(group), page, toFilter(filter));
      return group.map((r) =>
        toConnection(pages.get(r.parent) ?? [], page, (row) => String((row as Record<string, unknown>)[source.key]), () =>
          counts.load({ parent: r.parent, filter }),
        ),
      );
    }),
    { cacheKeyFn: (r) => JSON.stringify([r.parent, r.page, r.filter]) },
  );
}

/** A per-request loader of connections of one child table (pagesByParent, countsByParent). */
export function createConnectionLoader<Row, F>(
  db: AnyDB,
  child: ChildTable,
  toFilter: (filter: F) => Filter | undefined,
): DataLoader<ConnectionRequest<F>, Connection<Row>, string> {
  const source: ConnectionSource<Row> = {
    key: child.key,
    pages: (parents, page, filter) => pagesByParent<Row>(db, child, parents, page, filter),
    counts: (parents, filter) => countsByParent(db, child, parents, filter),
  };
  return connectionLoader<Row, F>(source, toFilter);
}

/** The distinct parents of a batch of requests, in first-seen order. */
export function uniqueParents(requests: readonly { parent: string }[]): string[] {
  return [...new Set(requests.map((r) => r.parent))];
}

/** Splits a batch into groups that one statement can answer, and puts the answers back in order. */
export async function loadGrouped<K, V>(
  keys: readonly K[],
  groupOf: (key: K) => string,
  loadGroup: (group: K[]) => Promise<V[]>,
): Promise<V[]> {
  const groups = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const id = groupOf(key);
    const group = groups.get(id);
    if (group) group.push(index);
    else groups.set(id, [index]);
  });
  const results = new Array<V>(keys.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const values = await loadGroup(indexes.map((i) => keys[i]));
      indexes.forEach((keyIndex, i) => (results[keyIndex] = values[i]));
    }),
  );
  return results;
}

/**
 * Aggregates of each parent's rows in one statement, e.g.
 * `{ cases: sql\`count(*)\`, resolved: sql\`count(*) filter (where t.outcome = 'RESOLVED')\` }`.
 * A parent with no rows gets 0 for every aggregate.
 */
export async function aggregatesByParent<K extends string>(
  db: AnyDB,
  child: Omit<ChildTable, 'key'>,
  parents: readonly string[],
  aggregates: Record<K, RawBuilder<unknown>>,
  filter?: Filter,
): Promise<Map<string, Record<K, number>>> {
  const names = Object.keys(aggregates) as K[];
  const zero = Object.fromEntries(names.map((name) => [name, 0])) as Record<K, number>;
  const result = new Map<string, Record<K, number>>(parents.map((parent) => [parent, { ...zero }]));
  if (parents.length === 0) return result;
  let query = db
    .selectFrom(`${child.table} as t`)
    .innerJoin(parentValues(child.join, parents), (on) => on.on(joinCondition(child.join)))
    .select(sql<string>`p.column1`.as('__parent'))
    .select(names.map((name) => sql`coalesce(${aggregates[name]}, 0)`.as(name)))
    .groupBy(sql`p.column1`);
  if (filter) query = query.where(filter);
  for (const row of (await query.execute()) as Record<string, unknown>[]) {
    const values = result.get(String(row.__parent));
    if (values) for (const name of names) values[name] = Number(row[name]);
  }
  return result;
}
