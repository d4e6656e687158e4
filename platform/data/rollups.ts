// Roll-ups: running totals of a table's figures per region and day, so that a
// region's figures for a period are read from a few hundred summed rows
// however many records the region holds.
//
// A roll-up table holds one row per (region, day) for the region of every
// record and for each region above it (village, township, county, prefecture,
// autonomous region), so a region's total is its own rows, found by an index
// lookup, not a range of records. Triggers on the source table keep it: one
// statement per INSERT, UPDATE or DELETE statement (over its transition
// tables, so a bulk insert of 5,000 rows is one roll-up statement), in the
// same transaction as the change. Every way of writing (the mutations, `npm
// run import`, the seeds, an operator's SQL) keeps the totals exact, and a
// rolled-back change leaves them as they were. (The seed on PGlite loads with
// the triggers off and builds each roll-up once with fillRollup, in its own
// transaction: platform/data/seed.ts.)
//
// A load that bypasses triggers (`session_replication_role = replica`, a
// logical replication subscriber, `ALTER TABLE … DISABLE TRIGGER`) leaves the
// totals behind: `npm run rollups -- check` finds that, `rebuild` repairs it.
//
// A roll-up's table and triggers are created by a migration carrying their
// SQL as rollupSql gave it then (platform/data/frozen-migrations.ts); the live
// definition is what `npm run rollups` checks and rebuilds with, and a test
// keeps the two equal (test/migrations.test.ts).
//
// Needs PostgreSQL 15 or later (a unique constraint with NULLS NOT DISTINCT:
// records without a date count under a NULL day, as they do in a plain query,
// in no period but in "all time").
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type RawBuilder } from 'kysely';
import type { Period } from './period';
import { REGION_ANCESTORS_FUNCTION_V1, type RollupSql } from './frozen-migrations';

export type { RollupSql } from './frozen-migrations';

export interface RollupMeasure {
  /** The SQL value of one source row's contribution, over its columns (no alias), e.g. `(status = 'CLOSED')::int`; null counts as 0. */
  value: string;
  /** The column type of the running total (default bigint). */
  type?: 'bigint' | 'numeric';
}

export interface Rollup<M extends string = string> {
  /** The roll-up table's name. */
  table: string;
  /** The table whose rows are summed. */
  source: string;
  /** The source column with the record's division code. */
  regionColumn: string;
  /** The source column with the date a record counts on; a record with none counts only when no period is asked for. */
  dayColumn: string;
  measures: Record<M, RollupMeasure>;
}

/**
 * The region codes a record with this code counts in: its own and each one
 * above it, the same regions whose code range (region-codes.ts) holds it.
 */
const ANCESTORS_FUNCTION = sql.raw(REGION_ANCESTORS_FUNCTION_V1);

const id = (name: string) => sql.id(name);

/**
 * Which totals an operator's check or rebuild covers, so that a large table
 * can be done part by part (each part within a request's time): the days
 * within `days` (every day when absent) and, when `undated`, the totals of
 * records without a day. The parts of a roll-up's rows by day are disjoint.
 */
export interface RollupPart {
  days?: Period | null;
  undated: boolean;
}

/** The condition keeping the rows of `part` by their day column; none when the part is everything. */
function partCondition(column: string, part: RollupPart | undefined): RawBuilder<unknown> | null {
  if (!part || (!part.days && part.undated)) return null;
  const day = id(column);
  const dated = [sql`${day} is not null`];
  if (part.days?.from != null) dated.push(sql`${day} >= ${part.days.from}`);
  if (part.days?.to != null) dated.push(sql`${day} <= ${part.days.to}`);
  const within = sql`(${sql.join(dated, sql` and `)})`;
  return part.undated ? sql`(${within} or ${day} is null)` : within;
}

/** The SELECT of the signed contributions of `rows` (a transition table or the source itself), summed per region and day. */
function contributions(rollup: Rollup, parts: { rows: string; sign: 1 | -1 }[], part?: RollupPart): RawBuilder<unknown> {
  const names = Object.keys(rollup.measures);
  const condition = partCondition(rollup.dayColumn, part);
  const selects = parts.map(({ rows, sign }) =>
    sql`select ${id(rollup.regionColumn)} as region_code, ${id(rollup.dayColumn)} as day, ${sql.join(
      names.map((name) => sql`${sql.raw(String(sign))} * coalesce(${sql.raw(rollup.measures[name].value)}, 0) as ${id(name)}`),
    )} from ${id(rows)}${condition ? sql` where ${condition}` : sql``}`,
  );
  return sql`
    select a.code, c.day, ${sql.join(names.map((name) => sql`sum(c.${id(name)})`))}
    from (${sql.join(selects, sql` union all `)}) c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day`;
}

/** INSERT … ON CONFLICT adding the contributions to the running totals (in code order, so concurrent writers lock rows in one order). */
function addContributions(rollup: Rollup, parts: { rows: string; sign: 1 | -1 }[], part?: RollupPart): RawBuilder<unknown> {
  const names = Object.keys(rollup.measures);
  return sql`
    insert into ${id(rollup.table)} as r (region_code, day, ${sql.join(names.map(id))})
    ${contributions(rollup, parts, part)}
    on conflict (region_code, day) do update set ${sql.join(
      names.map((name) => sql`${id(name)} = r.${id(name)} + excluded.${id(name)}`),
    )}`;
}

/**
 * Compiles statements without a database: a roll-up's statements have no
 * parameters, so their text is the whole statement, the same on PGlite and
 * PostgreSQL (one query compiler for both).
 */
const offline = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

function statementText(statement: RawBuilder<unknown>): string {
  const { sql: text, parameters } = statement.compile(offline);
  if (parameters.length > 0) throw new Error(`a roll-up statement with parameters cannot be written out: ${text}`);
  return text;
}

/** The statements creating a roll-up: its table, its triggers on the source, and its totals of the rows already there. */
function createStatements(rollup: Rollup): RawBuilder<unknown>[] {
  const names = Object.keys(rollup.measures);
  const { table, source } = rollup;
  const statements = [
    ANCESTORS_FUNCTION,
    sql`
    create table ${id(table)} (
      region_code text collate "C" not null,
      day date,
      ${sql.join(names.map((name) => sql`${id(name)} ${sql.raw(rollup.measures[name].type ?? 'bigint')} not null default 0`))},
      constraint ${id(`${table}_key`)} unique nulls not distinct (region_code, day)
    )`,
  ];
  const events = [
    { event: 'insert', parts: [{ rows: 'new_rows', sign: 1 }], referencing: sql`new table as new_rows` },
    { event: 'delete', parts: [{ rows: 'old_rows', sign: -1 }], referencing: sql`old table as old_rows` },
    {
      event: 'update',
      parts: [
        { rows: 'old_rows', sign: -1 },
        { rows: 'new_rows', sign: 1 },
      ],
      referencing: sql`old table as old_rows new table as new_rows`,
    },
  ] as const;
  for (const { event, parts, referencing } of events) {
    const fn = id(`${table}_on_${event}`);
    // A function body is a string constant: the statement as text, quoted as one.
    const body = statementText(addContributions(rollup, [...parts]));
    statements.push(sql`create function ${fn}() returns trigger language plpgsql as ${sql.lit(`begin ${body}; return null; end`)}`);
    statements.push(sql`create trigger ${id(`${table}_${event}`)} after ${sql.raw(event)} on ${id(source)}
      referencing ${referencing} for each statement execute function ${fn}()`);
  }
  statements.push(
    sql`create function ${id(`${table}_on_truncate`)}() returns trigger language plpgsql as ${sql.lit(
      `begin delete from ${statementText(sql.id(table))}; return null; end`,
    )}`,
  );
  statements.push(sql`create trigger ${id(`${table}_truncate`)} after truncate on ${id(source)}
    for each statement execute function ${id(`${table}_on_truncate`)}()`);
  statements.push(addContributions(rollup, [{ rows: source, sign: 1 }]));
  return statements;
}

/** The statements removing a roll-up (its triggers go with its functions). */
function dropStatements(rollup: Rollup): RawBuilder<unknown>[] {
  return [
    sql`drop table ${id(rollup.table)}`,
    ...['insert', 'update', 'delete', 'truncate'].map((event) => sql`drop function ${id(`${rollup.table}_on_${event}`)}() cascade`),
  ];
}

/**
 * The SQL of a roll-up's migration, as text: `create` makes its table, its
 * triggers and its totals of the records already there; `drop` removes it.
 * A migration keeps this text as it was when the migration was written
 * (platform/data/frozen-migrations.ts), so that changing the definition (or this
 * file) never changes what an old migration does; a test keeps each live
 * definition equal to what the latest migration creating it froze
 * (test/migrations.test.ts). Changing a roll-up's measures takes a new
 * migration that drops it and creates it anew.
 */
export function rollupSql(rollup: Rollup): RollupSql {
  return { table: rollup.table, create: createStatements(rollup).map(statementText), drop: dropStatements(rollup).map(statementText) };
}

/** A (region, day) whose running totals differ from its records' sums; null day: records without a date. */
export interface RollupDifference {
  regionCode: string;
  day: string | null;
  stored: Record<string, number>;
  fromRecords: Record<string, number>;
}

/**
 * Compares every running total (of `part`, or all) with its records' sums
 * (reads the whole table, or the part); at most `limit` differences, and their count.
 */
export async function checkRollup(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  rollup: Rollup,
  limit = 20,
  part?: RollupPart,
): Promise<{ count: number; differences: RollupDifference[] }> {
  const names = Object.keys(rollup.measures);
  const differs = sql.join(
    names.map((name) => sql`coalesce(s.${id(name)}, 0) <> coalesce(f.${id(name)}, 0)`),
    sql` or `,
  );
  const stored = partCondition('day', part);
  const { rows } = await sql<Record<string, unknown>>`
    with f (code, day, ${sql.join(names.map(id))}) as (${contributions(rollup, [{ rows: rollup.source, sign: 1 }], part)}),
      s as (select * from ${id(rollup.table)}${stored ? sql` where ${stored}` : sql``})
    select coalesce(s.region_code, f.code) as region_code, coalesce(s.day, f.day)::text as day,
      count(*) over () as __count,
      ${sql.join(names.map((name) => sql`coalesce(s.${id(name)}, 0) as ${id(`stored_${name}`)}, coalesce(f.${id(name)}, 0) as ${id(`records_${name}`)}`))}
    from s full join f on s.region_code = f.code and s.day is not distinct from f.day
    where ${differs}
    order by 1, 2
    limit ${limit}`.execute(db);
  const pick = (row: Record<string, unknown>, prefix: string) => Object.fromEntries(names.map((name) => [name, Number(row[`${prefix}_${name}`])]));
  return {
    count: rows.length ? Number(rows[0].__count) : 0,
    differences: rows.map((row) => ({
      regionCode: String(row.region_code),
      day: row.day === null ? null : String(row.day),
      stored: pick(row, 'stored'),
      fromRecords: pick(row, 'records'),
    })),
  };
}

/**
 * Adds every record's contributions to the running totals, in the caller's
 * transaction: builds an empty roll-up after a bulk load that bypassed its
 * triggers (platform/data/seed.ts).
 */
export async function fillRollup(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  rollup: Rollup,
): Promise<void> {
  await addContributions(rollup, [{ rows: rollup.source, sign: 1 }]).execute(db);
}

/**
 * Recomputes a roll-up (or the totals of `part`) from its records in one
 * transaction: `db` may be a transaction already. Writers to the records wait
 * for it (SHARE lock on the source); readers do not. Returns the number of
 * region-days written.
 */
export async function rebuildRollup(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  rollup: Rollup,
  part?: RollupPart,
): Promise<number> {
  const rebuild = async (trx: typeof db): Promise<number> => {
    await sql`lock table ${id(rollup.source)} in share mode`.execute(trx);
    const stored = partCondition('day', part);
    await sql`delete from ${id(rollup.table)}${stored ? sql` where ${stored}` : sql``}`.execute(trx);
    const inserted = await addContributions(rollup, [{ rows: rollup.source, sign: 1 }], part).execute(trx);
    return Number(inserted.numAffectedRows ?? 0);
  };
  return db.isTransaction ? rebuild(db) : db.transaction().execute(rebuild);
}

/** The first and last day holding totals or records (nulls when there are none): the span an operator goes through part by part. */
export async function rollupSpan(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  rollup: Rollup,
): Promise<{ firstDay: string | null; lastDay: string | null }> {
  const { rows } = await sql<{ first_day: string | null; last_day: string | null }>`
    select min(day)::text as first_day, max(day)::text as last_day from (
      select min(day) as day from ${id(rollup.table)} union all select max(day) from ${id(rollup.table)}
      union all select min(${id(rollup.dayColumn)}) from ${id(rollup.source)} union all select max(${id(rollup.dayColumn)}) from ${id(rollup.source)}
    ) ends`.execute(db);
  return { firstDay: rows[0]?.first_day ?? null, lastDay: rows[0]?.last_day ?? null };
}

/**
 * The totals of each region for a period, in one statement: the sums of the
 * regions' own roll-up rows on the days within the period. A region with no
 * rows gets 0 for every measure.
 */
export async function rollupTotals<M extends string>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  rollup: Rollup<M>,
  codes: readonly string[],
  period: Period | null,
): Promise<Map<string, Record<M, number>>> {
  const names = Object.keys(rollup.measures) as M[];
  const zero = Object.fromEntries(names.map((name) => [name, 0])) as Record<M, number>;
  const totals = new Map<string, Record<M, number>>(codes.map((code) => [code, { ...zero }]));
  if (codes.length === 0) return totals;
  let query = db
    .selectFrom(rollup.table)
    .select('region_code')
    .select(names.map((name) => sql`sum(${id(name)})`.as(name)))
    .where('region_code', 'in', codes)
    .groupBy('region_code');
  if (period?.from != null) query = query.where('day', '>=', period.from);
  if (period?.to != null) query = query.where('day', '<=', period.to);
  for (const row of (await query.execute()) as Record<string, unknown>[]) {
    const values = totals.get(String(row.region_code));
    if (values) for (const name of names) values[name] = Number(row[name]);
  }
  return totals;
}
