// `npm start`: every subgraph and the gateway, each as its own process (as
// deployed, so one agency's crash or hang is not the hub's). Says where the
// data lives, shows progress while the subgraphs load (and which ones it is
// still waiting for), starts the gateway once they are all ready (so that no
// query reaches a gateway whose subgraphs are still seeding), prints the URLs
// when the hub is ready, stops them all on Ctrl-C. If this process is killed,
// the services notice and exit by themselves (platform/server/service-process.ts).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { envPrefix, pgliteRootFromEnv, stringFromEnv } from '../platform/core/config';
import { devIdentitySecret, devKeyPair, isProduction } from '../platform/access/dev-keys';
import type { ServiceMessage } from '../platform/server/service-process';
import { listSubgraphs } from '../schema/subgraphs';
import { ensureWebBuild } from './build-web';

interface Service {
  name: string;
  entry: string;
  args: string[];
  child?: ChildProcess;
  url?: string;
  /** What it said last while starting, and when it began saying so. */
  doing?: { message: string; since: number };
}

const root = path.join(__dirname, '..');
const subgraphs: Service[] = listSubgraphs().map((s) => ({ name: s.name, entry: path.join(root, 'scripts', 'start-subgraph.ts'), args: [s.name] }));
const gateway: Service = { name: 'gateway', entry: path.join(root, 'gateway', 'main.ts'), args: [] };
const started = Date.now();
let stopping = false;
/** When the last progress line was printed: a line at least every STATUS_EVERY_MS while starting. */
let lastLine = Date.now();
const STATUS_EVERY_MS = 2_000;

function elapsed(): string {
  return `${((Date.now() - started) / 1000).toFixed(1)}s`;
}

function line(service: string, message: string): void {
  lastLine = Date.now();
  console.log(`  ${elapsed().padStart(6)}  ${service.padEnd(10)} ${message}`);
}

/** One line naming every service still starting and what it is doing, if nothing else was printed for a while. */
function statusLine(services: Service[]): void {
  const starting = services.filter((s) => s.child && !s.url);
  if (!starting.length || Date.now() - lastLine < STATUS_EVERY_MS - 100) return;
  const doing = (s: Service): string => (s.doing ? ` (${s.doing.message}, ${Math.round((Date.now() - s.doing.since) / 1000)} s)` : '');
  line('', `waiting for ${starting.map((s) => `${s.name}${doing(s)}`).join(', ')}`);
}

function launch(service: Service): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(service.entry, service.args, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    service.child = child;
    // The services log JSON lines (one per request at info); warnings and errors are shown here.
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let entry: { level?: number; msg?: string; [key: string]: unknown };
      try {
        entry = JSON.parse(text);
      } catch {
        return;
      }
      if ((entry.level ?? 0) < 40) return;
      const { level: _level, time: _time, service: _service, msg, ...rest } = entry;
      console.error(`! ${service.name.padEnd(10)} ${msg ?? ''} ${Object.keys(rest).length ? JSON.stringify(rest) : ''}`.trimEnd());
    });
    child.on('message', (message: ServiceMessage) => {
      if (message.type === 'progress' && !message.heartbeat) {
        service.doing = { message: message.message, since: Date.now() };
        line(service.name, message.message);
      }
      if (message.type === 'ready') {
        service.url = message.url;
        line(service.name, 'ready');
        resolve();
      }
      if (message.type === 'failed') reject(new Error(`${service.name} failed to start: ${message.message}`));
    });
    child.on('exit', (code, signal) => {
      if (!service.url) reject(new Error(`${service.name} exited during start-up (${signal ?? `code ${code}`})`));
      else if (!stopping) console.error(`! ${service.name} stopped unexpectedly (${signal ?? `code ${code}`}); the others keep running`);
    });
  });
}

async function stopAll(exitCode: number): Promise<never> {
  stopping = true;
  const running = [gateway, ...subgraphs].filter((s) => s.child && s.child.exitCode === null && s.child.signalCode === null);
  await Promise.all(
    running.map(
      (s) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => s.child!.kill('SIGKILL'), 10_000);
          s.child!.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          s.child!.kill('SIGTERM');
        }),
    ),
  );
  if (exitCode === 0) console.log('Stopped.');
  process.exit(exitCode);
}

process.on('SIGINT', () => {
  console.log('\nStopping the hub...');
  void stopAll(0);
});
process.on('SIGTERM', () => void stopAll(0));

/** Where each subgraph keeps its data, as the subgraphs will read it from the same environment. */
function whereDataLives(): string {
  const onPostgres = subgraphs.filter((s) => stringFromEnv(`${envPrefix(s.name)}_DATABASE_URL`)).map((s) => s.name);
  const pgliteRoot = pgliteRootFromEnv();
  const onPGlite = subgraphs.length - onPostgres.length;
  const parts: string[] = [];
  if (onPostgres.length) parts.push(`PostgreSQL for ${onPostgres.join(', ')}`);
  if (onPGlite && pgliteRoot) {
    const shown = path.relative(process.cwd(), pgliteRoot).startsWith('..') ? pgliteRoot : path.relative(process.cwd(), pgliteRoot) || '.';
    parts.push(`PGlite in ${shown}/<subgraph>, kept between starts (the first start seeds it; \`npm run reset\` starts afresh)`);
  }
  if (onPGlite && !pgliteRoot) parts.push('PGlite in memory (PGLITE_DATA_DIR=memory): everything written is gone when the hub stops');
  return parts.join('; ');
}

async function main(): Promise<void> {
  // Create the development keys once, before the services race to.
  if (!isProduction() && !process.env.HUB_IDENTITY_SECRET) devIdentitySecret();
  if (!isProduction() && !process.env.AUTH_JWKS_URL && !process.env.AUTH_PUBLIC_KEY) devKeyPair('token');
  // The explorer the gateway serves: built when missing or older than web/ and the lock file. A
  // failed build does not keep the API from starting; the gateway then answers /explorer with 503.
  await ensureWebBuild({ log: (line) => console.log(`  ${elapsed().padStart(6)}  web        ${line.trim()}`) }).catch((error: Error) =>
    console.error(`! the explorer could not be built, the hub starts without it:\n${error.message}`),
  );
  console.log(`Starting the rule-of-law hub: ${subgraphs.map((s) => s.name).join(', ')} and the gateway`);
  console.log(`Data: ${whereDataLives()}`);
  line('', `waiting for ${subgraphs.map((s) => s.name).join(', ')}; the gateway starts when they are ready`);
  const status = setInterval(() => statusLine([...subgraphs, gateway]), 250);
  await Promise.all(
    subgraphs.map(async (s) => {
      await launch(s);
      const waiting = subgraphs.filter((other) => !other.url).map((other) => other.name);
      if (waiting.length) line('', `waiting for ${waiting.join(', ')}`);
    }),
  );
  line('', 'every subgraph is ready: starting the gateway');
  await launch(gateway);
  clearInterval(status);
  console.log(`\nThe hub is ready (${elapsed()}):`);
  console.log(`  gateway     ${gateway.url}`);
  console.log(`  explorer    ${gateway.url?.replace(/\/graphql$/, '/explorer')}`);
  for (const s of subgraphs) console.log(`  ${s.name.padEnd(11)} ${s.url}`);
  console.log('\nPress Ctrl-C to stop.');
}

main().catch((error: Error) => {
  console.error(error.message);
  void stopAll(1);
});
