// Loading many generated rows into a table at once, the fastest way each
// database takes them: on PGlite, COPY … FROM a blob in CSV (no statement to
// parse per row, no parameters to bind); on PostgreSQL, multi-row INSERTs
// (the server is native and fast, and `pg` has no COPY without another
// package). Either way the table ends up with the same rows, in the same
// order, with the same generated ids.
import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';

/** Rows per COPY statement: short statements, so that progress can be told between them. */
const COPY_BATCH_ROWS = 5_000;

/** Bound parameters per INSERT: PGlite's protocol parser counts them in a signed 16-bit field, so stay well under 32,767. */
const INSERT_MAX_PARAMETERS = 30_000;

/** A plain value of a generated row: what a seed puts in a column. */
type Cell = string | number | boolean | null | undefined | readonly (string | number | null)[];

/**
 * Inserts many rows in multi-row statements of at most 30000 bound parameters:
 * `insertInChunks(rows, (chunk) => db.insertInto('t').values(chunk).execute())`.
 */
async function insertInChunks<Row extends object>(rows: readonly Row[], insert: (chunk: Row[]) => Promise<unknown>): Promise<void> {
  if (rows.length === 0) return;
  const chunk = Math.max(1, Math.floor(INSERT_MAX_PARAMETERS / Object.keys(rows[0]).length));
  for (let i = 0; i < rows.length; i += chunk) await insert(rows.slice(i, i + chunk));
}

/** One CSV field, as PostgreSQL's COPY reads it: unquoted empty is NULL, anything else quoted. */
function csvField(value: Cell, column: string): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${column}: ${value} is not a number PostgreSQL stores`);
    text = String(value);
  } else if (typeof value === 'boolean') text = value ? 't' : 'f';
  else if (Array.isArray(value)) text = arrayLiteral(value, column);
  else throw new Error(`${column}: a ${typeof value} cannot be copied; give a string (JSON.stringify for jsonb)`);
  return `"${text.replace(/"/g, '""')}"`;
}

/** A one-dimensional PostgreSQL array literal: `{"a","b c",NULL}`. */
function arrayLiteral(items: readonly (string | number | null)[], column: string): string {
  const elements = items.map((item) => {
    if (item === null) return 'NULL';
    if (typeof item === 'number') return String(item);
    if (typeof item !== 'string') throw new Error(`${column}: arrays of ${typeof item} cannot be copied`);
    return `"${item.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  });
  return `{${elements.join(',')}}`;
}

/** The columns of a batch of rows: the first row's, and every row must have the same. */
function columnsOf(table: string, rows: readonly object[]): string[] {
  const columns = Object.keys(rows[0]);
  const key = columns.join('\0');
  for (const row of rows) {
    if (Object.keys(row).join('\0') !== key) throw new Error(`${table}: every row must have the same columns in the same order (${columns.join(', ')})`);
  }
  return columns;
}

/** Appends rows to a table with COPY FROM a CSV blob, in batches of COPY_BATCH_ROWS; `onBatch` after each. */
export async function copyRows(
  pglite: PGlite,
  table: string,
  rows: readonly object[],
  onBatch: (loaded: number) => void = () => undefined,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = columnsOf(table, rows);
  // Names come from the seed's own code, never from input; quoted all the same.
  const statement = `copy ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) from '/dev/blob' with (format csv)`;
  for (let start = 0; start < rows.length; start += COPY_BATCH_ROWS) {
    const lines: string[] = [];
    for (const row of rows.slice(start, start + COPY_BATCH_ROWS)) {
      const record = row as Record<string, Cell>;
      lines.push(columns.map((column) => csvField(record[column], column)).join(','));
    }
    await pglite.query(statement, [], { blob: new Blob([`${lines.join('\n')}\n`]) });
    onBatch(Math.min(rows.length, start + COPY_BATCH_ROWS));
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Appends rows with multi-row INSERTs through kysely (any database). */
export async function insertRows(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  table: string,
  rows: readonly object[],
): Promise<void> {
  if (rows.length > 0) columnsOf(table, rows);
  await insertInChunks(rows, (chunk) => db.insertInto(table).values(chunk).execute());
}

/** The foreign keys of the public schema whose rows reference nothing: each as `table (columns) -> referenced`. */
export async function brokenForeignKeys(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  tables: readonly string[],
): Promise<string[]> {
  if (tables.length === 0) return [];
  const { rows: keys } = await sql<{ name: string; child: string; parent: string; child_columns: string[]; parent_columns: string[] }>`
    select c.conname as name, c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
      array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i) as child_columns,
      array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.i) as parent_columns
    from pg_constraint c join pg_namespace s on s.oid = c.connamespace
    where c.contype = 'f' and s.nspname = 'public' and c.conrelid::regclass::text in (${sql.join([...tables])})
    order by 1`.execute(db);
  const broken: string[] = [];
  for (const key of keys) {
    // MATCH SIMPLE, as the constraint: a row with a null in its key references nothing and is fine.
    const present = sql.join(key.child_columns.map((column) => sql`c.${sql.id(column)} is not null`), sql` and `);
    const matches = sql.join(
      key.child_columns.map((column, i) => sql`p.${sql.id(key.parent_columns[i])} = c.${sql.id(column)}`),
      sql` and `,
    );
    const { rows } = await sql`
      select 1 from ${sql.table(key.child)} c
      where ${present} and not exists (select 1 from ${sql.table(key.parent)} p where ${matches})
      limit 1`.execute(db);
    if (rows.length > 0) broken.push(`${key.child} (${key.child_columns.join(', ')}) -> ${key.parent} (${key.name})`);
  }
  return broken;
}
