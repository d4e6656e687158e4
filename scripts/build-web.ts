// `npm run build:web`: builds the front end (web/) with Vite into web/dist,
// precompresses it (brotli and gzip, served as they are by the gateway) and
// writes the build stamp (gateway/web-build.ts) last, then prints each page's
// sizes. `-- --if-needed` builds only when the build is missing or older than
// its sources; `npm start` and `npm test` run that. Builds into a temporary
// folder that replaces web/dist at the end, so a running gateway never serves
// half a build; one build at a time per folder (a lock beside it).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { PROJECT_ROOT } from '../platform/core/paths';
import { checkWebBuild, STAMP_FILE, WEB_BUILD_DIR, WEB_DIR, WEB_PAGES, webSourcesHash, type BuildStamp } from '../gateway/web-build';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
/** Files worth compressing; fonts are already (woff2), and the rest is small. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|ttf|txt)$/;
const LOCK_STALE_MS = 15 * 60_000;
/** Brotli 9: quality 11 made the build's files 8% smaller but took three times as long (about 20 s more here). */
const BROTLI_QUALITY = 9;

export interface BuildOptions {
  buildDir?: string;
  /** Where progress goes (default: stdout). */
  log?: (line: string) => void;
}

async function withBuildLock<T>(buildDir: string, log: (line: string) => void, run: () => Promise<T>): Promise<T> {
  const lock = `${buildDir}.lock`;
  for (let waited = 0; ; waited++) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > LOCK_STALE_MS) {
        log(`removing a build lock left ${Math.round(age / 60_000)} min ago (${path.relative(PROJECT_ROOT, lock)})`);
        await rmdir(lock).catch(() => undefined);
        continue;
      }
      if (waited % 10 === 0) log('waiting for another build of the front end to finish');
      await sleep(500);
    }
  }
  try {
    return await run();
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

function runVite(outDir: string, log: (line: string) => void): Promise<void> {
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', path.join(WEB_DIR, 'vite.config.mts'), '--logLevel', 'warn'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, WEB_OUT_DIR: outDir, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const started = Date.now();
    const ticker = setInterval(() => log(`  still building (${Math.round((Date.now() - started) / 1000)} s)`), 2000);
    child.on('error', (error) => {
      clearInterval(ticker);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearInterval(ticker);
      if (code === 0) {
        if (output.trim()) log(output.trimEnd());
        resolve();
      } else reject(new Error(`vite build failed (${signal ?? `exit code ${code}`}):\n${output.trimEnd()}`));
    });
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

/** `x.js.br` and `x.js.gz` beside each compressible file, when smaller than it. */
async function precompress(dir: string): Promise<void> {
  const files = filesUnder(dir).filter((file) => COMPRESSIBLE.test(file) && !file.includes(`${path.sep}.vite${path.sep}`));
  await Promise.all(
    files.map(async (file) => {
      const content = await readFile(file);
      const [br, gz] = await Promise.all([
        brotli(content, { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: content.length } }),
        gzipAsync(content, { level: zlib.Z_BEST_COMPRESSION }),
      ]);
      if (br.length < content.length) await writeFile(`${file}.br`, br);
      if (gz.length < content.length) await writeFile(`${file}.gz`, gz);
    }),
  );
}

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  isEntry?: boolean;
}

interface Sizes {
  files: number;
  raw: number;
  br: number;
}

function sizesOf(dir: string, files: Iterable<string>): Sizes {
  const sizes = { files: 0, raw: 0, br: 0 };
  for (const file of files) {
    const full = path.join(dir, file);
    sizes.files++;
    sizes.raw += statSync(full).size;
    sizes.br += existsSync(`${full}.br`) ? statSync(`${full}.br`).size : statSync(full).size;
  }
  return sizes;
}

/** Per page: what it loads first (entry, static imports, their CSS), what it may load later, and the whole build. */
function buildReport(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const line = (label: string, s: Sizes) => `  ${label.padEnd(34)} ${String(s.files).padStart(3)} files  ${kb(s.raw).padStart(8)}  ${kb(s.br).padStart(8)} brotli`;
  const lines: string[] = [];
  for (const page of WEB_PAGES) {
    const entry = manifest[`${page}/index.html`];
    if (!entry) continue;
    const initial = new Set<string>();
    const visit = (key: string, into: Set<string>, follow: 'imports' | 'all') => {
      const chunk = manifest[key];
      if (!chunk || into.has(chunk.file)) return;
      into.add(chunk.file);
      chunk.css?.forEach((css) => into.add(css));
      chunk.imports?.forEach((next) => visit(next, into, follow));
      if (follow === 'all') chunk.dynamicImports?.forEach((next) => visit(next, into, follow));
    };
    visit(`${page}/index.html`, initial, 'imports');
    const all = new Set<string>();
    visit(`${page}/index.html`, all, 'all');
    const later = [...all].filter((file) => !initial.has(file));
    lines.push(line(`${page}: loaded first (JS and CSS)`, sizesOf(dir, initial)));
    lines.push(line(`${page}: loaded when needed`, sizesOf(dir, later)));
  }
  const assets = filesUnder(path.join(dir, 'assets')).filter((file) => !/\.(br|gz)$/.test(file));
  lines.push(line('every asset (workers included)', sizesOf(dir, assets.map((file) => path.relative(dir, file)))));
  return lines;
}

/** Builds the front end into buildDir (default web/dist) and stamps it. */
async function buildWeb(options: BuildOptions = {}): Promise<void> {
  const buildDir = options.buildDir ?? WEB_BUILD_DIR;
  const log = options.log ?? ((line: string) => console.log(line));
  const sources = webSourcesHash();
  if (sources === null) throw new Error(`no front end sources in ${WEB_DIR}`);
  const started = Date.now();
  const temporary = `${buildDir}.tmp-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  try {
    log('building the front end (web/) with Vite');
    await runVite(temporary, log);
    log(`  precompressing (brotli, gzip)`);
    await precompress(temporary);
    const stamp: BuildStamp = { sources, builtAt: new Date().toISOString() };
    writeFileSync(path.join(temporary, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
    const old = `${buildDir}.old-${process.pid}`;
    mkdirSync(path.dirname(buildDir), { recursive: true });
    if (existsSync(buildDir)) renameSync(buildDir, old);
    renameSync(temporary, buildDir);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s into ${path.relative(PROJECT_ROOT, buildDir) || buildDir}:`);
  for (const line of buildReport(buildDir)) log(line);
}

/** Builds only when the build is missing or older than its sources; true when it built. */
export async function ensureWebBuild(options: BuildOptions = {}): Promise<boolean> {
  const buildDir = options.buildDir ?? WEB_BUILD_DIR;
  const log = options.log ?? ((line: string) => console.log(line));
  const before = checkWebBuild({ buildDir });
  if (before.ok) return false;
  return withBuildLock(buildDir, log, async () => {
    // Another process may have built it while this one waited.
    const state = checkWebBuild({ buildDir });
    if (state.ok) return false;
    log(`${state.message}: building it`);
    await buildWeb({ ...options, buildDir });
    return true;
  });
}

if (require.main === module) {
  const ifNeeded = process.argv.includes('--if-needed');
  const run = ifNeeded ? ensureWebBuild() : withBuildLock(WEB_BUILD_DIR, console.log, () => buildWeb());
  run.catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
