// Starts and controls a cluster on one machine (scripts/cluster/layout.ts):
// one PostgreSQL database per agency (created when missing), HAProxy from the
// generated configuration, every subgraph replica at once (seeding and
// migrations run once, under their lock: platform/data/seed.ts), then the gateway
// replicas, which reach each agency through HAProxy, share Redis and watch
// one supergraph file (`supergraphPath`, by default schema/supergraph.graphql:
// what `npm run compose` writes there reaches every replica). The
// replicas of a subgraph share Redis too: an identity one accepted, every
// other refuses (platform/access/replay-memory.ts). Each
// replica is its own process, started like `npm start` does (IPC `ready`),
// and can be killed, stopped (SIGTERM: it leaves the pool, then drains) and
// started again.
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { subgraphIdentityKey } from '../../platform/access/identity';
import type { ServiceMessage } from '../../platform/server/service-process';
import { SUPERGRAPH_PATH } from '../../schema/registry';
import { CLUSTER_SHUTDOWN_DELAY_MS, haproxyConfig } from './haproxy-config';
import type { ClusterLayout, ReplicaPorts } from './layout';

const ROOT = path.join(__dirname, '..', '..');

export interface ClusterOptions {
  layout: ClusterLayout;
  /** The environment every replica starts from (keys, SEED_SCALE, log level...). */
  env: NodeJS.ProcessEnv;
  /** The gateway's identity secret; each subgraph gets only its own key derived from it. */
  identitySecret: string;
  /** PostgreSQL server URL (without a database), e.g. postgres://postgres@127.0.0.1:5432 */
  postgresUrl: string;
  /** Databases are `<databasePrefix><agency>` (dashes as underscores). */
  databasePrefix: string;
  /** Redis of the gateways (cached responses, usage, last-known figures) and of each subgraph's replicas (the jtis they accepted). */
  redisUrl: string;
  redisPrefix: string;
  /** The supergraph file every gateway replica serves and watches (default schema/supergraph.graphql). */
  supergraphPath?: string;
  haproxy?: string;
  /** Called with each line a replica logs at warning or above, and with HAProxy's output. */
  onLog?: (replica: string, line: string) => void;
  startTimeoutMs?: number;
}

export class Replica {
  child?: ChildProcess;
  exited?: Promise<void>;
  /** JSON log lines, kept when `keepLogs`. */
  readonly logs: Record<string, unknown>[] = [];
  constructor(
    readonly service: string,
    readonly ports: ReplicaPorts,
    private readonly env: NodeJS.ProcessEnv,
    private readonly onLog: (replica: string, line: string) => void,
    private readonly startTimeoutMs: number,
  ) {}

  get id(): string {
    return this.ports.id;
  }

  get url(): string {
    return `http://127.0.0.1:${this.ports.port}/graphql`;
  }

  running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): Promise<void> {
    const [entry, args] = this.service === 'gateway' ? [path.join(ROOT, 'gateway', 'main.ts'), []] : [path.join(ROOT, 'scripts', 'start-subgraph.ts'), [this.service]];
    const child = fork(entry, args, { cwd: ROOT, env: this.env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    createInterface({ input: child.stdout! }).on('line', (text) => {
      try {
        const entry = JSON.parse(text) as Record<string, unknown>;
        if (((entry.level as number) ?? 0) >= 40) this.onLog(this.id, text);
      } catch {
        this.onLog(this.id, text);
      }
    });
    createInterface({ input: child.stderr! }).on('line', (text) => this.onLog(this.id, text));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${this.id} did not start within ${this.startTimeoutMs} ms`));
      }, this.startTimeoutMs);
      child.on('message', (message: ServiceMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
        if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`${this.id} failed to start: ${message.message}`));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.id} exited (${signal ?? `code ${code}`})`));
      });
    });
  }

  /** SIGKILL: gone at once, as a crashed machine. */
  async kill(): Promise<void> {
    if (!this.running()) return;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: /ready turns 503, the balancer takes it out, then it drains and exits (`exited`). */
  terminate(): void {
    if (this.running()) this.child!.kill('SIGTERM');
  }

  async stop(): Promise<void> {
    if (!this.running()) return;
    this.terminate();
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

export interface Cluster {
  layout: ClusterLayout;
  /** The callers' URL: HAProxy in front of the gateways. */
  url: string;
  statsUrl: string;
  gateways: Replica[];
  subgraphs: Record<string, Replica[]>;
  databases: Record<string, string>;
  /** The one supergraph file every gateway replica watches (absolute). */
  supergraphPath: string;
  haproxy: ChildProcess;
  /** HAProxy's view: each server's status (UP, DOWN, ...) by `backend/server`. */
  serverStatus(): Promise<Record<string, string>>;
  /** Resolves once HAProxy sees every running replica UP. */
  waitUntilUp(timeoutMs?: number): Promise<void>;
  /** SIGTERM to every replica (gateways first), then HAProxy. */
  stop(): Promise<void>;
}

/** The URL of database `name` on the server of `postgresUrl` (whatever database that URL names). */
export function databaseUrl(postgresUrl: string, name: string): string {
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function databaseName(prefix: string, subgraph: string): string {
  return `${prefix}${subgraph.replace(/-/g, '_')}`;
}

async function ensureDatabase(postgresUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const client = new pg.Client({ connectionString: databaseUrl(postgresUrl, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!found.rowCount) await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}

export async function dropDatabases(postgresUrl: string, names: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(postgresUrl, 'postgres') });
  await client.connect();
  try {
    for (const name of names) if (/^[a-z_][a-z0-9_]*$/.test(name)) await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}

/** HAProxy with the generated configuration, checked first (`haproxy -c`), in the foreground. */
async function startHaproxy(binary: string, config: string, onLog: (replica: string, line: string) => void): Promise<ChildProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-haproxy-'));
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  await new Promise<void>((resolve, reject) => {
    const check = spawn(binary, ['-c', '-q', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    check.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    check.once('error', reject);
    check.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`haproxy refused ${file}:\n${errors}`))));
  });
  const child = spawn(binary, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: child.stdout! }).on('line', (line) => onLog('haproxy', line));
  createInterface({ input: child.stderr! }).on('line', (line) => onLog('haproxy', line));
  return child;
}

type LogLine = (replica: string, line: string) => void;

/** Each agency's replicas: its database, its identity key, and the Redis its replicas share for accepted identities. */
function subgraphReplicas(options: ClusterOptions, databases: Record<string, string>, common: NodeJS.ProcessEnv, onLog: LogLine, startTimeoutMs: number): Record<string, Replica[]> {
  const subgraphs: Record<string, Replica[]> = {};
  for (const s of options.layout.subgraphs) {
    const env: NodeJS.ProcessEnv = {
      ...common,
      [`${s.prefix}_DATABASE_URL`]: databaseUrl(options.postgresUrl, databases[s.name]),
      [`${s.prefix}_IDENTITY_KEY`]: subgraphIdentityKey(options.identitySecret, s.name),
      // The jtis of accepted identities, shared by the agency's replicas.
      [`${s.prefix}_REDIS_URL`]: options.redisUrl,
      REDIS_PREFIX: options.redisPrefix,
    };
    subgraphs[s.name] = s.replicas.map((r) => new Replica(s.name, r, { ...env, [`${s.prefix}_PORT`]: String(r.port), [`${s.prefix}_ADMIN_PORT`]: String(r.adminPort) }, onLog, startTimeoutMs));
  }
  return subgraphs;
}

/** The gateway replicas: one supergraph file, the identity secret, Redis, each agency reached through HAProxy. */
function gatewayReplicas(options: ClusterOptions, supergraphPath: string, common: NodeJS.ProcessEnv, onLog: LogLine, startTimeoutMs: number): Replica[] {
  const { layout } = options;
  const gatewayEnv: NodeJS.ProcessEnv = {
    ...common,
    SUPERGRAPH_PATH: supergraphPath,
    HUB_IDENTITY_SECRET: options.identitySecret,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.redisPrefix,
    ...Object.fromEntries(layout.subgraphs.map((s) => [`${s.prefix}_URL`, `http://${layout.host}:${s.port}/graphql`])),
  };
  return layout.gateways.map((r) => new Replica('gateway', r, { ...gatewayEnv, GATEWAY_PORT: String(r.port), GATEWAY_ADMIN_PORT: String(r.adminPort) }, onLog, startTimeoutMs));
}

/** HAProxy's view of the replicas (its stats page): each server's status, and waiting until every running replica is UP. */
function balancerView(layout: ClusterLayout, all: Replica[]): Pick<Cluster, 'statsUrl' | 'serverStatus' | 'waitUntilUp'> {
  const statsUrl = `http://${layout.host}:${layout.statsPort}/stats`;
  const serverStatus = async (): Promise<Record<string, string>> => {
    const csv = await (await fetch(`${statsUrl};csv`)).text();
    const rows = csv.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(','));
    return Object.fromEntries(rows.filter((r) => r[1] !== 'FRONTEND' && r[1] !== 'BACKEND').map((r) => [`${r[0]}/${r[1]}`, r[17]]));
  };
  const waitUntilUp = async (timeoutMs = 30_000): Promise<void> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const status = await serverStatus().catch(() => ({}) as Record<string, string>);
      const down = all.filter((r) => r.running()).filter((r) => status[`${r.service === 'gateway' ? 'gateways' : `${r.service}-replicas`}/${r.id}`] !== 'UP');
      if (!down.length) return;
      if (Date.now() > until) throw new Error(`HAProxy does not see ${down.map((r) => r.id).join(', ')} up`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { statsUrl, serverStatus, waitUntilUp };
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { layout } = options;
  const onLog = options.onLog ?? ((replica, line) => console.error(`! ${replica.padEnd(12)} ${line}`));
  const startTimeoutMs = options.startTimeoutMs ?? 180_000;
  const databases: Record<string, string> = {};
  for (const s of layout.subgraphs) {
    databases[s.name] = databaseName(options.databasePrefix, s.name);
    await ensureDatabase(options.postgresUrl, databases[s.name]);
  }
  const haproxy = await startHaproxy(options.haproxy ?? 'haproxy', haproxyConfig(layout), onLog);
  const common: NodeJS.ProcessEnv = { ...options.env, SHUTDOWN_DELAY_MS: options.env.SHUTDOWN_DELAY_MS ?? String(CLUSTER_SHUTDOWN_DELAY_MS) };
  delete common.HUB_IDENTITY_SECRET;
  const subgraphs = subgraphReplicas(options, databases, common, onLog, startTimeoutMs);
  const supergraphPath = path.resolve(options.supergraphPath ?? SUPERGRAPH_PATH);
  const gateways = gatewayReplicas(options, supergraphPath, common, onLog, startTimeoutMs);
  const all = [...gateways, ...Object.values(subgraphs).flat()];
  const stop = async (): Promise<void> => {
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all(Object.values(subgraphs).flat().map((r) => r.stop()));
    if (haproxy.exitCode === null) {
      const gone = new Promise((resolve) => haproxy.once('exit', resolve));
      haproxy.kill('SIGTERM');
      await gone;
    }
  };
  try {
    // Every replica of every agency at once: they race for the seed lock, one seeds, the others wait.
    await Promise.all(Object.values(subgraphs).flat().map((r) => r.start()));
    await Promise.all(gateways.map((g) => g.start()));
  } catch (error) {
    await Promise.all(all.map((r) => r.kill()));
    haproxy.kill('SIGKILL');
    throw error;
  }
  const view = balancerView(layout, all);
  await view.waitUntilUp(60_000);
  return { layout, url: `http://${layout.host}:${layout.gatewayPort}/graphql`, gateways, subgraphs, databases, supergraphPath, haproxy, ...view, stop };
}
