// `npm start`: every subgraph and the gateway, each as its own process (as
// deployed, so one agency's crash or hang is not the hub's). Shows progress
// while they load, prints the URLs when ready, stops them all on Ctrl-C.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { devKeyPair, isProduction } from '../platform/dev-keys';
import type { ServiceMessage } from '../platform/service-process';
import { listSubgraphs } from '../schema/subgraphs';
import { ensureWebBuild } from './build-web';

interface Service {
  name: string;
  entry: string;
  args: string[];
  child?: ChildProcess;
  url?: string;
}

const root = path.join(__dirname, '..');
const subgraphs: Service[] = listSubgraphs().map((s) => ({ name: s.name, entry: path.join(root, 'scripts', 'start-subgraph.ts'), args: [s.name] }));
const gateway: Service = { name: 'gateway', entry: path.join(root, 'gateway', 'main.ts'), args: [] };
const started = Date.now();
let stopping = false;

function elapsed(): string {
  return `${((Date.now() - started) / 1000).toFixed(1)}s`;
}

function launch(service: Service): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(service.entry, service.args, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    service.child = child;
    // The services log JSON lines (one per request at info); warnings and errors are shown here.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { level?: number; msg?: string; [key: string]: unknown };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if ((entry.level ?? 0) < 40) return;
      const { level: _level, time: _time, service: _service, msg, ...rest } = entry;
      console.error(`! ${service.name.padEnd(10)} ${msg ?? ''} ${Object.keys(rest).length ? JSON.stringify(rest) : ''}`.trimEnd());
    });
    child.on('message', (message: ServiceMessage) => {
      if (message.type === 'progress') console.log(`  ${elapsed().padStart(6)}  ${service.name.padEnd(10)} ${message.message}`);
      if (message.type === 'ready') {
        service.url = message.url;
        console.log(`  ${elapsed().padStart(6)}  ${service.name.padEnd(10)} ready`);
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

async function main(): Promise<void> {
  // Create the development keys once, before the services race to.
  if (!isProduction() && !process.env.HUB_IDENTITY_PUBLIC_KEY) devKeyPair('identity');
  if (!isProduction() && !process.env.AUTH_JWKS_URL && !process.env.AUTH_PUBLIC_KEY) devKeyPair('token');
  // The explorer the gateway serves: built when missing or older than web/ and the lock file. A
  // failed build does not keep the API from starting; the gateway then answers /explorer with 503.
  await ensureWebBuild({ log: (line) => console.log(`  ${elapsed().padStart(6)}  web        ${line.trim()}`) }).catch((error: Error) =>
    console.error(`! the explorer could not be built, the hub starts without it:\n${error.message}`),
  );
  console.log(`Starting the rule-of-law hub: ${subgraphs.map((s) => s.name).join(', ')} and the gateway`);
  await Promise.all([...subgraphs, gateway].map(launch));
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
