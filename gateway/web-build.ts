// The built front end (web/, built by `npm run build:web` into web/dist) and
// its build stamp: a hash of the web sources and the lock file, written by the
// build when it succeeds. The gateway serves a build only when its stamp is
// there and, where the sources are (a checkout, not an image holding only the
// build), when the stamp's hash is the sources' hash: a missing or stale build
// is never served silently.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stringFromEnv } from '../platform/core/config';
import { PROJECT_ROOT } from '../platform/core/paths';

/** The front end's sources. */
export const WEB_DIR = path.join(PROJECT_ROOT, 'web');
/** Where the build goes and where the gateway serves it from (WEB_BUILD_DIR). */
export const WEB_BUILD_DIR = path.resolve(stringFromEnv('WEB_BUILD_DIR') ?? path.join(WEB_DIR, 'dist'));
export const STAMP_FILE = 'build-stamp.json';
/** The pages of the build, each `<name>/index.html`. */
export const WEB_PAGES = ['explorer', 'dashboard'] as const;

export interface BuildStamp {
  /** webSourcesHash() when the build started. */
  sources: string;
  builtAt: string;
}

/** Folders under web/ that are not sources: the build, its temporary and old copies, installed packages. */
function isSourceEntry(name: string): boolean {
  return !/^dist($|\.)/.test(name) && name !== 'node_modules' && !name.startsWith('.');
}

function sourceFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => isSourceEntry(entry.name))
    .flatMap((entry) => {
      const relative = path.posix.join(prefix, entry.name);
      if (entry.isDirectory()) return sourceFiles(path.join(dir, entry.name), relative);
      return entry.isFile() ? [relative] : [];
    });
}

/**
 * SHA-256 over every file under web/ (path and content, in path order) and the
 * lock file, which pins every package the build bundles. null when there are
 * no sources (an image that holds only the build).
 */
export function webSourcesHash(webDir = WEB_DIR, lockFile = path.join(PROJECT_ROOT, 'package-lock.json')): string | null {
  if (!existsSync(webDir)) return null;
  const hash = createHash('sha256');
  for (const file of sourceFiles(webDir).sort()) {
    hash.update(`web/${file}\0`);
    hash.update(readFileSync(path.join(webDir, file)));
    hash.update('\0');
  }
  hash.update('package-lock.json\0');
  if (existsSync(lockFile)) hash.update(readFileSync(lockFile));
  return hash.digest('hex');
}

function readStamp(buildDir = WEB_BUILD_DIR): BuildStamp | null {
  try {
    const stamp = JSON.parse(readFileSync(path.join(buildDir, STAMP_FILE), 'utf8')) as BuildStamp;
    return typeof stamp.sources === 'string' ? stamp : null;
  } catch {
    return null;
  }
}

export type BuildState =
  | { ok: true; stamp: BuildStamp }
  | { ok: false; reason: 'missing' | 'stale'; message: string };

export interface BuildLocation {
  buildDir?: string;
  /** The sources the build must match; a folder that does not exist means none to compare with. */
  webDir?: string;
  lockFile?: string;
}

/** Whether the build in buildDir is there, complete and made from the current sources. */
export function checkWebBuild(location: BuildLocation = {}): BuildState {
  const buildDir = location.buildDir ?? WEB_BUILD_DIR;
  const stamp = readStamp(buildDir);
  const pagesThere = WEB_PAGES.every((page) => existsSync(path.join(buildDir, page, 'index.html')));
  if (!stamp || !pagesThere) {
    return { ok: false, reason: 'missing', message: `the front end is not built (no complete build in ${path.relative(PROJECT_ROOT, buildDir) || buildDir})` };
  }
  const sources = webSourcesHash(location.webDir ?? WEB_DIR, location.lockFile);
  if (sources !== null && sources !== stamp.sources) {
    return { ok: false, reason: 'stale', message: `the front end's build (${stamp.builtAt}) is older than its sources (web/ or package-lock.json changed since)` };
  }
  return { ok: true, stamp };
}
