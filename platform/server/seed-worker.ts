// Preparing a subgraph's PGlite folder in a worker thread: a fresh cluster,
// the migrations, the seed and its statistics. PGlite runs PostgreSQL in
// WebAssembly on the thread that calls it, and one statement (building a
// roll-up, say) can hold that thread for seconds on a loaded machine; in a
// worker it leaves the service's main thread free to tell progress (at least
// every 2 s) and to notice that its launcher has gone. The worker closes the
// folder when it is done; the main thread then opens it (0.3 CPU-s). The
// process holds the folder's lock throughout (platform/data/data-lock.ts).
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import { migrateToLatest, openDatabase } from '../data/database';
import type { Progress } from '../core/log';
import { pgliteWasmModule, usePgliteWasmModule, type WasmModule } from '../data/pglite-cluster';
import { seedOnce } from '../data/seed';
import { subgraphMigrations } from '../data/migrations';
import type { SubgraphDefinition } from './subgraph-definition';

interface SeedWorkerData {
  kind: 'hub-seed-worker';
  /** PostgreSQL's WebAssembly as the main thread compiled it: its compiled code is shared. */
  wasm: WasmModule;
  /** The subgraph's folder (its `subgraph` module default-exports its definition). */
  directory: string;
  dataDir: string;
  scale: number;
}

type SeedWorkerMessage = { type: 'progress'; message: string } | { type: 'done'; migrated: string[]; seeded: boolean };

/** How often the main thread tells progress at least, even while one statement runs long. */
const HEARTBEAT_MS = 2_000;

async function runInWorker(data: SeedWorkerData): Promise<void> {
  usePgliteWasmModule(data.wasm);
  const post = (message: SeedWorkerMessage): void => parentPort!.postMessage(message);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const definition = (require(path.join(data.directory, 'subgraph')) as { default: SubgraphDefinition<unknown, unknown> }).default;
  const progress = (message: string): void => post({ type: 'progress', message });
  const database = await openDatabase<unknown>({ pgliteDataDir: data.dataDir, lockDataDir: false, progress });
  try {
    const migrated = await migrateToLatest(database.db as Kysely<unknown>, subgraphMigrations(definition));
    if (migrated.length) post({ type: 'progress', message: `migrated: ${migrated.join(', ')}` });
    const seeded = await seedOnce(database, definition, { scale: data.scale, progress });
    post({ type: 'done', migrated, seeded });
  } finally {
    await database.close();
  }
}

/**
 * Migrates and seeds the subgraph's PGlite folder in a worker thread, telling
 * `progress` what it does, and at least every 2 s that it is still at it. The
 * caller holds the folder's lock and has it closed.
 */
export async function prepareInWorker(
  definition: Pick<SubgraphDefinition<unknown, unknown>, 'directory'>,
  dataDir: string,
  scale: number,
  progress: Progress,
): Promise<{ migrated: string[]; seeded: boolean }> {
  const data: SeedWorkerData = { kind: 'hub-seed-worker', directory: definition.directory, dataDir, scale, wasm: await pgliteWasmModule() };
  // Run from TypeScript sources (tsx), the worker needs tsx's loader too; compiled, it is plain JavaScript.
  const worker = __filename.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(__filename)});`, { eval: true, workerData: data })
    : new Worker(__filename, { workerData: data });
  const started = Date.now();
  let last = { message: 'starting the seed worker', at: started, told: started };
  const tell = (message: string): void => {
    last = { message, at: Date.now(), told: Date.now() };
    progress(message);
  };
  const heartbeat = setInterval(() => {
    if (Date.now() - last.told < HEARTBEAT_MS - 100) return;
    last.told = Date.now();
    progress(`${last.message} (${Math.round((Date.now() - last.at) / 1000)} s)`, { heartbeat: true });
  }, HEARTBEAT_MS / 4);
  return new Promise<{ migrated: string[]; seeded: boolean }>((resolve, reject) => {
    let result: { migrated: string[]; seeded: boolean } | undefined;
    worker.on('message', (message: SeedWorkerMessage) => {
      if (message.type === 'progress') tell(message.message);
      else result = { migrated: message.migrated, seeded: message.seeded };
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the seed worker stopped (exit code ${code})`));
    });
  }).finally(() => clearInterval(heartbeat));
}

// A failure rejects unhandled, which ends the worker with an 'error' event that prepareInWorker passes on.
if (!isMainThread && (workerData as SeedWorkerData | undefined)?.kind === 'hub-seed-worker') void runInWorker(workerData as SeedWorkerData);
