// A subgraph's database at start-up, migrated and seeded: PostgreSQL, PGlite
// in memory, or PGlite in a data folder that keeps its data between starts.
// A data folder is the process's alone (its lock is held until the database
// closes); the first start in a new folder migrates and seeds it in a worker
// thread (platform/server/seed-worker.ts); later starts find it seeded and only run
// migrations not yet applied.
import type { Kysely, Migration } from 'kysely';
import { lockDataFolder } from '../data/data-lock';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../data/database';
import type { Progress } from '../core/log';
import { isCluster } from '../data/pglite-cluster';
import { isSeeded, seedOnce, type SeedDefinition } from '../data/seed';
import { prepareInWorker } from './seed-worker';

export interface SubgraphDatabaseOptions {
  /** PostgreSQL URL; PGlite when absent. */
  databaseUrl?: string;
  /** PGlite's data folder; in memory when absent. */
  pgliteDataDir?: string;
  seedScale?: number;
  onPoolError?: (error: Error) => void;
}

/** CPU time of the process (all its threads) since `since`, in seconds. */
function cpuSecondsSince(since: NodeJS.CpuUsage): string {
  const used = process.cpuUsage(since);
  return ((used.user + used.system) / 1e6).toFixed(1);
}

/**
 * Opens the subgraph's database, runs pending migrations and seeds it if it
 * never was. Closing the handle also releases the data folder's lock.
 */
export async function prepareSubgraphDatabase<DB>(
  definition: SeedDefinition<DB> & { directory: string },
  migrations: Record<string, Migration>,
  options: SubgraphDatabaseOptions,
  progress: Progress,
): Promise<DatabaseHandle<DB>> {
  const scale = options.seedScale ?? 1;
  const dataDir = options.databaseUrl ? undefined : options.pgliteDataDir;
  progress(options.databaseUrl ? 'connecting to PostgreSQL' : dataDir ? `PGlite in ${dataDir} (kept between starts)` : 'PGlite in memory (gone when it stops)');
  const lock = dataDir ? lockDataFolder(dataDir) : undefined;
  const open = () => openDatabase<DB>({ url: options.databaseUrl, pgliteDataDir: dataDir, lockDataDir: false, onPoolError: options.onPoolError });
  const startedAt = Date.now();
  const startCpu = process.cpuUsage();
  const seededIn = () => `seeded in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${cpuSecondsSince(startCpu)} CPU-s)`;
  let database: DatabaseHandle<DB> | undefined;
  try {
    const newFolder = dataDir !== undefined && !isCluster(dataDir);
    if (newFolder) {
      progress('a new data folder: creating and seeding its database');
      await prepareInWorker(definition, dataDir, scale, progress);
      progress(seededIn());
    }
    database = await open();
    const applied = await migrateToLatest(database.db as Kysely<unknown>, migrations);
    if (newFolder) {
      // Migrated and seeded by the worker just now.
    } else if (dataDir && !(await isSeeded(database.db as Kysely<unknown>, definition.name))) {
      // A folder whose first seeding was cut short (its transaction never committed): seed it now, in the worker.
      await database.close();
      database = undefined;
      progress('the data folder was never seeded to the end: seeding it');
      await prepareInWorker(definition, dataDir, scale, progress);
      progress(seededIn());
      database = await open();
    } else {
      progress(applied.length ? `migrated: ${applied.join(', ')}` : 'schema up to date');
      if (await seedOnce(database, definition, { scale, progress })) progress(seededIn());
    }
  } catch (error) {
    await database?.close();
    lock?.release();
    throw error;
  }
  const opened = database;
  return {
    ...opened,
    close: async () => {
      try {
        await opened.close();
      } finally {
        lock?.release();
      }
    },
  };
}
