// A digest of a subgraph's whole database: each table's row count and the MD5
// of its rows (as text, in sorted order), and each sequence's position. Two
// databases with the same digests hold the same data, whatever wrote it. It
// proves that a change to how the seed is loaded (COPY, roll-ups built once)
// leaves the seeded data exactly as it was, on PGlite and PostgreSQL alike:
//
//   npm run -s seed-digest -- [--scale 1] [--database pglite|postgres] [subgraph ...]
//
// prints one line per table and sequence (`subgraph table rows md5`); compare
// the output of two commits (or of both databases) with diff. PostgreSQL
// databases are created on TEST_POSTGRES_URL and dropped afterwards.
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../platform/data/database';
import { seedOnce } from '../platform/data/seed';
import { subgraphMigrations, type SubgraphDefinition } from '../platform/server/subgraph';
import { listSubgraphs } from '../schema/subgraphs';

/** Columns whose values depend on when, not what: left out of the digest. */
const VOLATILE_COLUMNS: Record<string, string[]> = {
  hub_seed: ['seeded_at'],
  kysely_migration: ['timestamp'],
};

export interface TableDigest {
  name: string;
  rows: number;
  md5: string;
}

/** Every table of the public schema (rows and MD5) and every sequence (its last value), sorted by name. */
export async function databaseDigest(db: Kysely<unknown>): Promise<TableDigest[]> {
  const tables = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' order by 1`.execute(db);
  const digests: TableDigest[] = [];
  for (const { name } of tables.rows) {
    const columns = await sql<{ column: string }>`
      select column_name as column from information_schema.columns
      where table_schema = 'public' and table_name = ${name} order by ordinal_position`.execute(db);
    const kept = columns.rows.map((c) => c.column).filter((c) => !(VOLATILE_COLUMNS[name] ?? []).includes(c));
    const row = sql`row(${sql.join(kept.map((c) => sql.ref(`t.${c}`)))})::text`;
    const { rows } = await sql<{ rows: number; md5: string | null }>`
      select count(*)::int as rows, md5(coalesce(string_agg(r, E'\n' order by r collate "C"), '')) as md5
      from (select ${row} as r from ${sql.table(name)} t) s`.execute(db);
    digests.push({ name, rows: rows[0].rows, md5: rows[0].md5 ?? '' });
  }
  const sequences = await sql<{ name: string }>`select sequencename as name from pg_sequences where schemaname = 'public' order by 1`.execute(db);
  for (const { name } of sequences.rows) {
    // The next value it gives, whether or not it was ever called.
    const { rows } = await sql<{ next: string }>`select (last_value + case when is_called then 1 else 0 end)::text as next from ${sql.table(name)}`.execute(db);
    digests.push({ name: `sequence ${name} (next)`, rows: Number(rows[0].next), md5: '-' });
  }
  return digests;
}

/** Seeds a fresh database of the given kind for one subgraph (as a first start does) and returns its digest. */
export async function seededDigest(definition: SubgraphDefinition<unknown, unknown>, kind: 'pglite' | 'postgres', scale: number): Promise<TableDigest[]> {
  const admin = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `hub_digest_${definition.name.replace(/\W/g, '_')}_${process.pid}`;
  let url: string | undefined;
  const client = kind === 'postgres' ? new pg.Client({ connectionString: admin }) : undefined;
  if (client) {
    await client.connect();
    await client.query(`drop database if exists "${dbName}"`);
    await client.query(`create database "${dbName}"`);
    const u = new URL(admin);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  let database: DatabaseHandle<unknown> | undefined;
  try {
    // Dropping the database afterwards ends its connections: nothing to report then.
    database = await openDatabase<unknown>({ url, onPoolError: () => undefined });
    await migrateToLatest(database.db, subgraphMigrations(definition));
    await seedOnce(database, definition, { scale, progress: () => undefined });
    return await databaseDigest(database.db);
  } finally {
    await database?.close();
    if (client) {
      await client.query(`drop database if exists "${dbName}" with (force)`);
      await client.end();
    }
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { scale: { type: 'string', default: '1' }, database: { type: 'string', default: 'pglite' } },
  });
  const kind = values.database === 'postgres' ? 'postgres' : 'pglite';
  const subgraphs = listSubgraphs().filter((s) => positionals.length === 0 || positionals.includes(s.name));
  for (const { name, definition } of subgraphs) {
    for (const table of await seededDigest(definition, kind, Number(values.scale))) {
      console.log(`${name} ${table.name} ${table.rows} ${table.md5}`);
    }
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
