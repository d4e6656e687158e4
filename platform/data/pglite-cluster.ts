// Creating a PGlite database without running initdb every time. A new PGlite
// cluster costs about 4.5 CPU-seconds of initdb (in WebAssembly), as much as
// seeding a subgraph: four subgraphs paid it four times at every first start,
// and every test hub once per subgraph. A fresh cluster is the same bytes
// every time, so it is made once and copied:
// - in memory: the first cluster of the process is dumped (a tarball, about
//   40 MB, 0.2 CPU-s) before it is used, and later ones load that dump
//   (0.6 CPU-s);
// - in a folder: a fresh cluster is kept beside the data folders
//   (`.fresh-cluster-<PGlite version>`, made by the first process that needs
//   it, under its lock) and copied into a new data folder (0.4 CPU-s).
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { DataFolderLockedError, lockDataFolder } from './data-lock';

/** How long a process waits for another one making the fresh cluster before giving up. */
const FRESH_CLUSTER_WAIT_MS = 5 * 60_000;

let freshDump: Promise<Blob> | undefined;

/** A compiled WebAssembly module (the project's TypeScript libraries do not declare WebAssembly's types). */
export type WasmModule = object;
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;
let compiled: Promise<WasmModule> | undefined;

function pgliteDist(): string {
  return path.dirname(require.resolve('@electric-sql/pglite'));
}

/**
 * PostgreSQL's WebAssembly, compiled once per process and shared by every
 * PGlite in it, worker threads included (a module passed to a worker shares
 * its compiled code): a second PGlite then starts in half the CPU time.
 */
export function pgliteWasmModule(): Promise<WasmModule> {
  compiled ??= wasm.compile(readFileSync(path.join(pgliteDist(), 'pglite.wasm')));
  return compiled;
}

/** In a worker thread: use the module the main thread compiled. */
export function usePgliteWasmModule(module: WasmModule): void {
  compiled = Promise.resolve(module);
}

async function withModule(options: PGliteOptions): Promise<PGliteOptions> {
  return { ...options, pgliteWasmModule: (await pgliteWasmModule()) as PGliteOptions['pgliteWasmModule'] };
}

/** An in-memory PGlite, from the process's dump of a fresh cluster (made by the first call). */
export async function memoryPGlite(options: PGliteOptions): Promise<PGlite> {
  if (freshDump) {
    const dump = await freshDump.catch(() => undefined);
    if (dump) return PGlite.create('memory://', { ...(await withModule(options)), loadDataDir: dump });
  }
  let settle!: { resolve: (dump: Blob) => void; reject: (error: unknown) => void };
  freshDump = new Promise<Blob>((resolve, reject) => (settle = { resolve, reject }));
  try {
    const pglite = await PGlite.create('memory://', await withModule(options));
    // Before anything is written to it: the dump is a fresh cluster.
    settle.resolve(await pglite.dumpDataDir('none'));
    return pglite;
  } catch (error) {
    settle.reject(error);
    freshDump = undefined;
    throw error;
  }
}

function pgliteVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(pgliteDist(), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Whether a folder holds a PostgreSQL cluster (initdb writes PG_VERSION first of all). */
export function isCluster(folder: string): boolean {
  return existsSync(path.join(folder, 'PG_VERSION'));
}

/** The fresh cluster kept beside data folders under `root`, made now if there is none. */
async function freshClusterIn(root: string, progress: (message: string) => void): Promise<string> {
  const template = path.join(root, `.fresh-cluster-${pgliteVersion()}`);
  const until = Date.now() + FRESH_CLUSTER_WAIT_MS;
  let told = false;
  // Complete once it exists under its name: it is made under another name and renamed.
  while (!existsSync(template)) {
    let lock;
    try {
      lock = lockDataFolder(template);
    } catch (error) {
      // Another process is making it: wait for it.
      if (!(error instanceof DataFolderLockedError) || Date.now() > until) throw error;
      if (!told) progress(`waiting for process ${error.holder.pid}, which is making a fresh database cluster`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (existsSync(template)) break;
      const making = `${template}.making`;
      rmSync(making, { recursive: true, force: true }); // left by a process that died making it
      progress('making a fresh database cluster (initdb), once: new data folders copy it');
      const pglite = await PGlite.create(making, await withModule({}));
      await pglite.close();
      renameSync(making, template);
    } finally {
      lock.release();
    }
  }
  return template;
}

/**
 * A PGlite on a folder: a new (missing or empty) folder first gets a copy of
 * the fresh cluster, copied under another name and renamed, so that a crash
 * never leaves half a cluster under the folder's name.
 */
export async function folderPGlite(dataDir: string, options: PGliteOptions, progress: (message: string) => void = () => undefined): Promise<PGlite> {
  if (!isCluster(dataDir)) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} is not empty and holds no PGlite database: give PGlite an empty or new folder`);
    }
    const template = await freshClusterIn(path.dirname(dataDir), progress);
    progress('copying a fresh database cluster into the data folder');
    const copying = `${dataDir}.copying`;
    rmSync(copying, { recursive: true, force: true });
    cpSync(template, copying, { recursive: true });
    rmSync(dataDir, { recursive: true, force: true }); // an empty folder
    renameSync(copying, dataDir);
  }
  return PGlite.create(dataDir, await withModule(options));
}
