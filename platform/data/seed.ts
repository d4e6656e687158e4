// Seeding: once per database, under a lock, in one transaction, so that two
// replicas starting together on one PostgreSQL database seed it once.
//
// On PGlite the seed is loaded in bulk: COPY from CSV instead of INSERT
// statements, with triggers off while it loads (`session_replication_role =
// replica`: no roll-up trigger per batch, no foreign key check per row), and
// then, still in the same transaction, every foreign key of the loaded tables
// checked in one query each and every roll-up built once from its records. On
// PostgreSQL the seed is loaded with multi-row INSERTs and triggers on, as any
// other write. Both give the same rows, ids and totals (bench/seed-digest.ts
// compares them).
import { sql, type Insertable, type Kysely, type Migration, type Transaction } from 'kysely';
import { brokenForeignKeys, copyRows, insertRows } from './bulk-load';
import type { DatabaseHandle } from './database';
import { fillRollup, type Rollup } from './rollups';

/** Appends generated rows to one of the database's tables (COPY on PGlite, multi-row INSERT on PostgreSQL). */
export type TableLoader<DB> = <T extends keyof DB & string>(table: T, rows: readonly Insertable<DB[T]>[]) => Promise<void>;

export interface SeedOptions<DB = unknown> {
  /** Multiplies the number of generated records (SEED_SCALE). */
  scale: number;
  progress: (message: string) => void;
  /** How the seed writes its rows: `await load('mediation_case', cases)`. */
  load: TableLoader<DB>;
}

export type Seeder<DB> = (db: Transaction<DB>, options: SeedOptions<DB>) => Promise<void>;

/** What seedOnce needs of a subgraph's definition. */
export interface SeedDefinition<DB> {
  name: string;
  seed: Seeder<DB>;
  /** Roll-ups over the seeded tables, built once after a bulk load. */
  rollups?: Rollup[];
}

/** The platform's own migration, run before each subgraph's: where seeding is recorded. */
export const seedMarkerMigration: Migration = {
  async up(db) {
    await db.schema
      .createTable('hub_seed')
      .addColumn('subgraph', 'text', (col) => col.primaryKey())
      .addColumn('scale', 'double precision', (col) => col.notNull())
      .addColumn('seeded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .execute();
  },
};

/** Whether the subgraph's database was seeded (the marker seedOnce writes in the seed's transaction). */
export async function isSeeded(db: Kysely<unknown>, subgraph: string): Promise<boolean> {
  const { rows } = await sql`select 1 from hub_seed where subgraph = ${subgraph}`.execute(db);
  return rows.length > 0;
}

/** Tells progress at most every `everyMs`, and always for the last call of a run. */
function throttled(progress: (message: string) => void, everyMs = 1_000): (message: string, last: boolean) => void {
  let told = 0;
  return (message, last) => {
    const now = Date.now();
    if (!last && now - told < everyMs) return;
    told = now;
    progress(message);
  };
}

/**
 * Seeds the database unless it was seeded before; returns whether it seeded
 * now. `progress` hears what it is doing.
 */
export async function seedOnce<DB>(
  database: DatabaseHandle<DB>,
  definition: SeedDefinition<DB>,
  options: { scale: number; progress: (message: string) => void },
): Promise<boolean> {
  const { progress } = options;
  const subgraph = definition.name;
  const loadedTables = await database.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`hub_seed:${subgraph}`}))`.execute(trx);
    const seeded = await sql<{ scale: number }>`select scale from hub_seed where subgraph = ${subgraph}`.execute(trx);
    if (seeded.rows.length > 0) {
      progress(`database already seeded (scale ${seeded.rows[0].scale}); keeping its data`);
      return null;
    }
    const pglite = database.pglite;
    const loaded = new Set<string>();
    const tell = throttled(progress);
    const load: TableLoader<DB> = async (table, rows) => {
      loaded.add(table);
      if (pglite) await copyRows(pglite, table, rows, (n) => tell(`${table}: ${n} of ${rows.length} rows`, n === rows.length));
      else await insertRows(trx, table, rows);
    };
    // A bulk load: no trigger per batch or row; keys checked and totals built once below.
    if (pglite) await sql`set local session_replication_role = replica`.execute(trx);
    await definition.seed(trx, { scale: options.scale, progress, load });
    if (pglite) {
      await sql`set local session_replication_role = origin`.execute(trx);
      progress('checking references');
      const broken = await brokenForeignKeys(trx, [...loaded]);
      if (broken.length) throw new Error(`the seed broke foreign keys: ${broken.join('; ')}`);
      for (const rollup of definition.rollups ?? []) {
        progress(`building ${rollup.table}`);
        await fillRollup(trx, rollup);
      }
    }
    await sql`insert into hub_seed (subgraph, scale) values (${subgraph}, ${options.scale})`.execute(trx);
    return [...loaded, ...(definition.rollups ?? []).map((rollup) => rollup.table)];
  });
  if (!loadedTables) return false;
  // Now, not when autovacuum gets to it: planner statistics of the new data, so
  // that the first queries are planned well, and the visibility map, so that a
  // count over an index reads the index only (the referrals of 3 offices: from
  // 1.3 ms to 0.2 ms at the benchmark scale). VACUUM cannot run in a transaction:
  // after the commit; were it cut short, autovacuum does the same later.
  progress('vacuuming and analyzing');
  for (const table of loadedTables) await sql`vacuum (analyze) ${sql.table(table)}`.execute(database.db);
  return true;
}
