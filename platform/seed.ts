// Seeding: once per database, under a lock, in one transaction, so that two
// replicas starting together on one PostgreSQL database seed it once.
import { sql, type Kysely, type Migration, type Transaction } from 'kysely';

export interface SeedOptions {
  /** Multiplies the number of generated records (SEED_SCALE). */
  scale: number;
  progress: (message: string) => void;
}

export type Seeder<DB> = (db: Transaction<DB>, options: SeedOptions) => Promise<void>;

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

/** Seeds the database unless it was seeded before; returns whether it seeded now. */
export async function seedOnce<DB>(db: Kysely<DB>, subgraph: string, seeder: Seeder<DB>, options: SeedOptions): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`hub_seed:${subgraph}`}))`.execute(trx);
    const seeded = await sql<{ scale: number }>`select scale from hub_seed where subgraph = ${subgraph}`.execute(trx);
    if (seeded.rows.length > 0) {
      options.progress(`database already seeded (scale ${seeded.rows[0].scale}); keeping its data`);
      return false;
    }
    await seeder(trx, options);
    await sql`insert into hub_seed (subgraph, scale) values (${subgraph}, ${options.scale})`.execute(trx);
    // Planner statistics now, not when autovacuum gets to it: the first queries on fresh data are planned well.
    await sql`analyze`.execute(trx);
    return true;
  });
}

/**
 * Inserts many rows in multi-row statements of at most 30000 bound parameters
 * (PGlite's protocol parser counts parameters in a signed 16-bit field): `insertInChunks(rows, (chunk) => db.insertInto('t').values(chunk).execute())`.
 */
export async function insertInChunks<Row extends object>(rows: readonly Row[], insert: (chunk: Row[]) => Promise<unknown>): Promise<void> {
  if (rows.length === 0) return;
  const chunk = Math.max(1, Math.floor(30_000 / Object.keys(rows[0]).length));
  for (let i = 0; i < rows.length; i += chunk) await insert(rows.slice(i, i + chunk));
}
