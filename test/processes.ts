// Services as real processes, as deployed: `node --import tsx
// scripts/start-subgraph.ts <name>` and `gateway/main.ts`, configured by
// environment variables only. Their JSON log lines are collected; the launcher
// learns the URL over IPC (as `npm start` does). A process whose test process
// goes away stops by itself (the IPC channel closes).
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ServiceMessage } from '../platform/server/service-process';
import { IDENTITY_SECRET, TEST_ISSUER, TOKEN_KEYS } from './harness';

const ROOT = path.join(__dirname, '..');

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  port: number;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Its admin port's base URL (GET /ready, /metrics); the public base when the service has none (a fixture). */
  admin: string;
  /** <base>/graphql */
  url: string;
  /** Log lines (JSON) written so far. */
  logs: Record<string, unknown>[];
  /** Anything written to stderr. */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment every test service gets: the test keys, small seeds, logs at info; `extra` on top. */
export function serviceEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'info',
    SEED_SCALE: '0.01',
    // Never the project's own data folder (.data/pglite): a test that keeps data gives its own folder.
    PGLITE_DATA_DIR: 'memory',
    HUB_IDENTITY_SECRET: IDENTITY_SECRET,
    AUTH_PUBLIC_KEY: TOKEN_KEYS.publicKey,
    AUTH_ALGORITHM: 'EdDSA',
    AUTH_ISSUER: TEST_ISSUER,
    // These processes test how faults show; a cached answer would hide them (caching has its own suite).
    RESPONSE_CACHE: 'off',
    // Nor may last-known figures stand in for an agency that is down (they have their own suite).
    STALE_IF_ERROR_MAX_AGE: '0',
    // Field usage would be written under the project's .data/usage (its own tests give it a folder).
    GATEWAY_USAGE: 'off',
  };
  // Jest's own marker would make the services' logs silent.
  delete env.JEST_WORKER_ID;
  for (const name of Object.keys(env)) if (name.startsWith('OTEL_')) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/**
 * Starts `gateway` or a subgraph by name (or, with `script`, a plain Node
 * script with `args` that sends the same `ready` message: a test fixture, or
 * the compiled entry points), from the project or from the copy at `root`;
 * resolves once it is ready, or rejects when it fails to start.
 */
export function startServiceProcess(
  name: string,
  env: NodeJS.ProcessEnv,
  options: { script?: string; args?: string[]; cwd?: string; startTimeoutMs?: number; root?: string } = {},
): Promise<ServiceProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const root = options.root ?? ROOT;
  const [entry, args] = options.script
    ? [options.script, options.args ?? []]
    : name === 'gateway'
      ? [path.join(root, 'gateway', 'main.ts'), []]
      : [path.join(root, 'scripts', 'start-subgraph.ts'), [name]];
  const child = fork(entry, args, { cwd: options.cwd ?? root, env, execArgv: options.script ? [] : ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line));
    } catch {
      logs.push({ text: line });
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${startTimeoutMs} ms: ${stderr}`));
    }, startTimeoutMs);
    child.on('message', (message: ServiceMessage) => {
      if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${name} failed to start: ${message.message}`));
      }
      if (message.type === 'ready') {
        clearTimeout(timer);
        const port = Number(new URL(message.url).port);
        const base = `http://127.0.0.1:${port}`;
        resolve({ name, child, pid: child.pid!, port, base, admin: message.adminUrl ?? base, url: `${base}/graphql`, logs, stderr: () => stderr, exited });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start-up (${signal ?? `code ${code}`}): ${stderr}`));
    });
  });
}

/** Ends a process that is still running, for cleanup: SIGCONT (in case it was stopped), then SIGKILL. */
export async function killProcess(service: ServiceProcess | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGCONT');
  service.child.kill('SIGKILL');
  await service.exited;
}

/** Waits until `check` returns a value (not undefined/false), trying every `everyMs`, at most `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Log lines of a service with this request id. */
export function logLinesOf(service: ServiceProcess, requestId: string): Record<string, unknown>[] {
  return service.logs.filter((line) => line.requestId === requestId);
}

/**
 * A strict reading of the Prometheus text format: every line is a comment
 * (`# HELP name text`, `# TYPE name type`) or `name{label="value",...} number`
 * (a float, `+Inf`, `-Inf` or NaN, which Prometheus reads in any case:
 * prom-client writes `Nan`); anything else throws. Returns each sample's value by `name{labels}` with the
 * labels sorted.
 */
export function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*"`;
  const sample = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (-?(?:\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?|\\.\\d+(?:[eE][-+]?\\d+)?)|[Nn][Aa][Nn]|[+-]Inf)(?: -?\\d+)?$`);
  const comment = new RegExp(`^# (?:HELP ${NAME} .*|TYPE ${NAME} (?:counter|gauge|histogram|summary|untyped))$`);
  for (const line of text.split('\n')) {
    if (line === '' || comment.test(line)) continue;
    const match = sample.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels = [...(match[2] ?? '').matchAll(new RegExp(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\["\\\\n])*)"`, 'g'))]
      .map(([, key, value]) => `${key}="${value}"`)
      .sort();
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : /^nan$/i.test(match[3]) ? NaN : Number(match[3]);
    samples.set(`${match[1]}{${labels.join(',')}}`, value);
  }
  return samples;
}

/** The sum of a metric's samples whose labels include all of `labels`. */
export function metricValue(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let sum = 0;
  for (const [key, value] of samples) {
    const open = key.indexOf('{');
    if (key.slice(0, open) !== name) continue;
    const have = key.slice(open + 1, -1).split(',');
    if (wanted.every((label) => have.includes(label))) sum += value;
  }
  return sum;
}

export async function scrape(service: { admin: string }): Promise<Map<string, number>> {
  const response = await fetch(`${service.admin}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await response.text());
}

/** A TCP port free on loopback now (for a service that must come back on the same port). */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
