// One process owns a data folder. PGlite has no lock of its own: two
// processes opening one folder each run their own PostgreSQL on the same
// files, and the second silently corrupts what the first writes. So whoever
// opens a PGlite folder first creates `<folder>.lock`, a small JSON file naming
// the holder (pid, host, command, since when, and the process's start time so
// that a recycled pid is not taken for the holder). Another process opening
// the folder reads it and is refused with the holder named; a lock whose
// holder is gone (killed, crashed) is taken over.
//
// Why not a library: proper-lockfile (the well-known one) keeps a lock alive by
// touching it on a timer and deems it stale when the touches stop. PGlite runs
// PostgreSQL in WebAssembly on the main thread and blocks the event loop for
// seconds at a time under load, so the touches would lapse while the holder is
// alive (the lock "compromised", or worse taken over), unless the stale time
// were so long that a restart after a crash waited minutes. It also records no
// holder to name. On one host a pid says at once whether the holder lives.
//
// The lock file is created atomically with its content (hard link of a
// written temporary file), so a reader never sees it half written (on a file
// system without hard links it is created exclusively, then written, and a
// reader finding it empty looks again). Taking
// over a stale lock is serialized by a second, short-lived file
// (`<folder>.lock.takeover`), so that two processes finding the same stale
// lock cannot both take it.
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LockHolder {
  pid: number;
  hostname: string;
  /** The holder's command line. */
  command: string;
  /** When it took the lock (ISO 8601). */
  since: string;
  /** The process's start time (Linux: clock ticks after boot), so that a recycled pid is not taken for the holder. */
  processStart?: string;
}

/** A folder another live process holds (or one whose holder cannot be checked from here). */
export class DataFolderLockedError extends Error {
  readonly code = 'DATA_FOLDER_LOCKED';
  constructor(
    readonly folder: string,
    readonly lockFile: string,
    readonly holder: LockHolder,
    why: string,
  ) {
    super(
      `${folder} is in use by ${describeHolder(holder)}; ${why}. ` +
        `Stop that process first (one process owns a data folder), or use another folder (PGLITE_DATA_DIR).`,
    );
    this.name = 'DataFolderLockedError';
  }
}

export interface DataLock {
  /** The lock file. */
  file: string;
  holder: LockHolder;
  /** Removes the lock file (only if it is still this process's). */
  release(): void;
}

/** How long a takeover guard may stand before it is deemed left by a crash (a takeover takes milliseconds). */
const TAKEOVER_GUARD_STALE_MS = 10_000;

function describeHolder(holder: LockHolder): string {
  const host = holder.hostname === os.hostname() ? '' : ` on host ${holder.hostname}`;
  return `process ${holder.pid}${host} (${holder.command}) since ${holder.since}`;
}

/** The start time of a process, where the system tells it (Linux /proc); undefined elsewhere. */
export function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote this lock still runs: 'alive', 'dead', or 'unknown' (another host). */
function holderState(holder: LockHolder): 'alive' | 'dead' | 'unknown' {
  if (holder.hostname !== os.hostname()) return 'unknown';
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
  }
  const start = processStartOf(holder.pid);
  // The same pid, started at another time: the holder is gone and its pid was given to another process.
  if (holder.processStart && start && start !== holder.processStart) return 'dead';
  return 'alive';
}

function readHolder(file: string): { text: string; holder: LockHolder | null } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    return { text, holder: Number.isInteger(parsed.pid) && typeof parsed.hostname === 'string' ? parsed : null };
  } catch {
    return { text, holder: null };
  }
}

function writeNew(file: string, text: string): void {
  const fd = openSync(file, 'wx', 0o644);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates `file` holding `text` unless it exists: written to a temporary file
 * first, then hard-linked in one step. On a file system without hard links,
 * created exclusively and then written (a reader may see it empty for a moment).
 */
function createExclusive(file: string, text: string): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeNew(temporary, text);
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
  } finally {
    unlinkSync(temporary);
  }
  try {
    writeNew(file, text);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Milliseconds since a file was last written; undefined when it is gone. */
function ageOf(file: string): number | undefined {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Removes a stale lock file if it still holds `staleText`, one taker at a time. Returns false when another process is taking over now. */
function removeStale(file: string, staleText: string): boolean {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, String(process.pid))) {
    const age = ageOf(guard);
    if (age === undefined) return true; // gone meanwhile: try again
    if (age < TAKEOVER_GUARD_STALE_MS) return false;
    removeQuietly(guard);
    return true;
  }
  try {
    if (readHolder(file)?.text === staleText) removeQuietly(file);
  } finally {
    removeQuietly(guard);
  }
  return true;
}

/**
 * Takes `<folder>.lock` for this process, or throws DataFolderLockedError
 * naming the holder. A lock whose holder has died is taken over. Released by
 * `release()`, and at the latest when the process exits normally.
 */
export function lockDataFolder(folder: string): DataLock {
  const file = `${path.resolve(folder)}.lock`;
  mkdirSync(path.dirname(file), { recursive: true });
  const holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    command: process.argv.slice(1).map((arg) => path.relative(process.cwd(), arg) || arg).join(' ') || process.argv0,
    since: new Date().toISOString(),
    processStart: processStartOf(process.pid),
  };
  const text = `${JSON.stringify(holder, null, 2)}\n`;
  for (let attempt = 0; attempt < 10; attempt++) {
    if (createExclusive(file, text)) {
      const onExit = (): void => release();
      const release = (): void => {
        process.removeListener('exit', onExit);
        if (readHolder(file)?.text === text) removeQuietly(file);
      };
      process.on('exit', onExit);
      return { file, holder, release };
    }
    const found = readHolder(file);
    if (found === null) continue; // released meanwhile
    if (found.holder === null) {
      // Being written (a file system without hard links): look again shortly.
      const age = ageOf(file);
      if (attempt < 9 && (age === undefined || age < 2_000)) {
        sleepSync(50);
        continue;
      }
      // Not a lock this code wrote (or damaged): nothing tells whether its writer lives.
      throw new Error(`${folder} is locked by ${file}, which does not name its holder; remove that file if no process uses the folder`);
    }
    const state = holderState(found.holder);
    if (state === 'alive') {
      const why = found.holder.pid === process.pid ? 'this process opened it already' : 'that process is running';
      throw new DataFolderLockedError(folder, file, found.holder, why);
    }
    if (state === 'unknown') {
      throw new DataFolderLockedError(folder, file, found.holder, `whether it still runs cannot be checked from ${os.hostname()} (if it does not, remove ${file})`);
    }
    if (!removeStale(file, found.text)) {
      throw new DataFolderLockedError(folder, file, found.holder, 'that process has died, and another process is taking the folder over right now');
    }
  }
  throw new Error(`could not lock ${folder}: the lock file ${file} keeps changing`);
}
