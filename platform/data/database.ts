// The database factory: PostgreSQL (kysely's Postgres dialect over `pg`) when a
// URL is given, PGlite (PostgreSQL compiled to WebAssembly, in process)
// otherwise. One SQL dialect everywhere; the same migrations run on both.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, type Migration } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { types as pgliteTypes, type PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { lockDataFolder } from './data-lock';
import { folderPGlite, memoryPGlite } from './pglite-cluster';

/** Type OIDs whose text form the hub keeps or converts the same way on both drivers. */
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

// Counts (`count(*)` is int8) and money (numeric) become numbers; dates stay
// 'YYYY-MM-DD' strings, so no time zone ever shifts a calendar date.
const toNumber = (value: string): number => Number(value);
const keepText = (value: string): string => value;

export type DatabaseKind = 'postgres' | 'pglite';

/** Connections in use: PostgreSQL's pool; PGlite's single in-process connection and the work queued for it. */
export interface PoolStats {
  total: number;
  idle: number;
  /** Requests waiting for a connection. */
  waiting: number;
}

export interface DatabaseHandle<DB> {
  db: Kysely<DB>;
  kind: DatabaseKind;
  /** SQL statements sent since the database was opened (for tests and benchmarks). */
  statementCount(): number;
  poolStats(): PoolStats;
  /** PGlite itself (kind 'pglite'): for what kysely does not do, such as COPY from a blob. */
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgres:// URL; PGlite when absent. */
  url?: string;
  /** Where PGlite keeps its files; in memory when absent. */
  pgliteDataDir?: string;
  /**
   * Take the folder's lock (platform/data/data-lock.ts), so that no other process
   * opens it while this one has it (default true). False only where this
   * process holds it already (a worker thread of the holder).
   */
  lockDataDir?: boolean;
  /** Told what takes time in opening (a new PGlite folder). */
  progress?: (message: string) => void;
  /** Most connections in the PostgreSQL pool. */
  poolSize?: number;
  /** Where an idle pooled connection's error is reported (default: stderr). */
  onPoolError?: (error: Error) => void;
}

/** kysely-pglite-dialect serializes work on PGlite's one connection; its driver shows whether it is busy and what waits. */
class ObservedPGliteDialect extends PGliteDialect {
  driver?: { connection?: unknown; queue?: unknown[] };
  override createDriver(): ReturnType<PGliteDialect['createDriver']> {
    const driver = super.createDriver();
    this.driver = driver as unknown as { connection?: unknown; queue?: unknown[] };
    return driver;
  }
}

export async function openDatabase<DB>(options: DatabaseOptions): Promise<DatabaseHandle<DB>> {
  return options.url ? openPostgres<DB>(options.url, options) : openPGlite<DB>(options);
}

/** Counts the statements a Kysely instance sends (its `log` hook). */
function statementCounter(): { log: () => void; count: () => number } {
  let statements = 0;
  return {
    log: () => {
      statements++;
    },
    count: () => statements,
  };
}

function openPostgres<DB>(url: string, options: DatabaseOptions): DatabaseHandle<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8 || oid === NUMERIC) return toNumber;
        if (oid === DATE) return keepText;
        return pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // A lost connection must not crash the process: an idle client's error
  // reaches the pool; a client in use (mid-transaction) emits its own, and
  // that client's query fails (the transaction rolls back) while the pool
  // replaces the connection.
  const onError = options.onPoolError ?? ((error: Error) => console.error('database connection error:', error.message));
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  const statements = statementCounter();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: statements.log });
  return {
    db,
    kind: 'postgres',
    statementCount: statements.count,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => db.destroy(),
  };
}

async function openPGlite<DB>(options: DatabaseOptions): Promise<DatabaseHandle<DB>> {
  const dataDir = options.pgliteDataDir ? path.resolve(options.pgliteDataDir) : undefined;
  // Before PGlite touches the folder: a second process on it would corrupt it.
  const lock = dataDir && options.lockDataDir !== false ? lockDataFolder(dataDir) : undefined;
  let pglite: PGlite;
  try {
    pglite = await startPGlite(dataDir, options.progress);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const dialect = new ObservedPGliteDialect(pglite);
  const statements = statementCounter();
  const db = new Kysely<DB>({ dialect, log: statements.log });
  return {
    db,
    kind: 'pglite',
    statementCount: statements.count,
    poolStats: () => {
      const busy = dialect.driver?.connection !== undefined;
      return { total: 1, idle: busy ? 0 : 1, waiting: dialect.driver?.queue?.length ?? 0 };
    },
    pglite,
    close: async () => {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}

/** PGlite on the folder, or in memory; a new cluster is a copy of a fresh one, not initdb again (platform/data/pglite-cluster.ts). */
async function startPGlite(dataDir: string | undefined, progress?: (message: string) => void): Promise<PGlite> {
  const pgliteOptions = {
    parsers: {
      [pgliteTypes.INT8]: toNumber,
      [pgliteTypes.NUMERIC]: toNumber,
      [pgliteTypes.DATE]: keepText,
    },
  };
  if (dataDir) mkdirSync(path.dirname(dataDir), { recursive: true });
  return dataDir ? folderPGlite(dataDir, pgliteOptions, progress) : memoryPGlite(pgliteOptions);
}

/** Runs every pending migration; throws (and so stops start-up) if one fails. */
export async function migrateToLatest(db: Kysely<unknown>, migrations: Record<string, Migration>): Promise<string[]> {
  // Platform migrations (hub_seed, hub_audit) and a subgraph's own are one set;
  // a platform migration added later may sort before ones already run.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? '');
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${cause}`);
  }
  return (results ?? []).map((result) => result.migrationName);
}
