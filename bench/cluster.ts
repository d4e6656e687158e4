// `npm run bench -- --cluster`: the throughput of one and of three gateway
// replicas behind HAProxy on this machine (scripts/cluster/: 2 replicas of
// each subgraph, PostgreSQL, Redis), and the CPU time per request of every
// process from its own counters (process_cpu_seconds_total on each admin
// port's /metrics; HAProxy's from /proc). Load: the township detail
// (TOWNSHIP_DETAIL, all four agencies) with the response cache off (what a
// request costs), then the region scorecard with the cache on (what a
// dashboard's repeated read costs). Writes bench/results/cluster.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import { newEd25519KeyPair } from '../platform/access/dev-keys';
import { newIdentitySecret } from '../platform/access/identity';
import { dropDatabases, startCluster, type Cluster } from '../scripts/cluster/cluster';
import { clusterLayout } from '../scripts/cluster/layout';
import { SCORECARD, SCORECARD_VARIABLES, TOWNSHIP_DETAIL, TOWNSHIP_DETAIL_VARIABLES } from './workloads';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => PromiseLike<{ requests: { total: number }; duration: number; errors: number; non2xx: number; latency: { p50: number; p97_5: number } }>;

const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ISSUER = 'https://bench.invalid/';

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<Server>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => resolve(s)); })));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

async function cpuSeconds(adminPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
  return Number(/^process_cpu_seconds_total(?:\{[^}]*\})? (\S+)$/m.exec(text)![1]);
}

function haproxyCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100 Hz)
}

async function measure(cluster: Cluster, name: string, body: string, authorization: string) {
  const replicas = [...cluster.gateways, ...Object.values(cluster.subgraphs).flat()];
  const post = () => fetch(cluster.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body }).then((r) => r.json());
  const check = (await post()) as { errors?: unknown };
  if (check.errors) throw new Error(`${name}: ${JSON.stringify(check.errors)}`);
  await autocannon({ url: cluster.url, method: 'POST', headers: { 'content-type': 'application/json', authorization }, body, connections: CONNECTIONS, duration: 2 });
  const before = await Promise.all(replicas.map((r) => cpuSeconds(r.ports.adminPort)));
  const haproxyBefore = haproxyCpuSeconds(cluster.haproxy.pid!);
  const result = await autocannon({ url: cluster.url, method: 'POST', headers: { 'content-type': 'application/json', authorization }, body, connections: CONNECTIONS, duration: SECONDS });
  const after = await Promise.all(replicas.map((r) => cpuSeconds(r.ports.adminPort)));
  const requests = result.requests.total;
  const perRequest = (from: number, to: number) => Math.round(((to - from) * 1000 * 100) / requests) / 100;
  const sum = (ids: (r: (typeof replicas)[number]) => boolean) => replicas.reduce((total, r, i) => total + (ids(r) ? after[i] - before[i] : 0), 0);
  return {
    requests,
    requestsPerSecond: Math.round((requests / result.duration) * 10) / 10,
    failures: result.errors + result.non2xx,
    latencyMs: { p50: result.latency.p50, p97_5: result.latency.p97_5 },
    cpuMsPerRequest: {
      gateways: perRequest(0, sum((r) => r.service === 'gateway')),
      subgraphs: perRequest(0, sum((r) => r.service !== 'gateway')),
      ...Object.fromEntries(Object.keys(cluster.subgraphs).map((s) => [s, perRequest(0, sum((r) => r.service === s))])),
      haproxy: perRequest(haproxyBefore, haproxyCpuSeconds(cluster.haproxy.pid!)),
    },
  };
}

export async function benchCluster(): Promise<void> {
  const keys = newEd25519KeyPair();
  const token = await new SignJWT({ sub: 'bench', agency: 'judicial', scope: 'judicial:read' })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(ISSUER)
    .setAudience('rule-of-law-hub')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(await importPKCS8(keys.privateKey, 'EdDSA'));
  const authorization = `Bearer ${token}`;
  const results: Record<string, unknown> = {};
  for (const gateways of [1, 3]) {
    for (const [workload, cache, body] of [
      ['townshipDetail', 'off', JSON.stringify({ query: TOWNSHIP_DETAIL, variables: TOWNSHIP_DETAIL_VARIABLES })],
      ['scorecardCached', 'on', JSON.stringify({ query: SCORECARD, variables: SCORECARD_VARIABLES })],
    ] as const) {
      const ports = await freePorts(40);
      const prefix = `hub_bench_cluster_${process.pid}_`;
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', SEED_SCALE: process.env.SEED_SCALE ?? 'small', AUTH_PUBLIC_KEY: keys.publicKey, AUTH_ALGORITHM: 'EdDSA', AUTH_ISSUER: ISSUER, RESPONSE_CACHE: cache, GATEWAY_USAGE: 'off' };
      const cluster = await startCluster({ layout: clusterLayout(() => ports.shift()!, { gatewayReplicas: gateways }), env, identitySecret: newIdentitySecret(), postgresUrl: POSTGRES, databasePrefix: prefix, redisUrl: REDIS, redisPrefix: `hub-bench-cluster-${process.pid}-${gateways}-${workload}:`, onLog: () => {} });
      try {
        const figures = await measure(cluster, workload, body, authorization);
        console.log(`${gateways} gateway(s), ${workload}: ${figures.requestsPerSecond} req/s, CPU ms/request ${JSON.stringify(figures.cpuMsPerRequest)}, failures ${figures.failures}`);
        results[`${workload}With${gateways}Gateways`] = figures;
      } finally {
        await cluster.stop();
        await dropDatabases(POSTGRES, Object.values(cluster.databases));
      }
    }
  }
  const out = {
    generatedAt: new Date().toISOString(),
    command: 'npm run bench -- --cluster',
    settings: { seconds: SECONDS, connections: CONNECTIONS, seedScale: process.env.SEED_SCALE ?? 'small', subgraphReplicas: 2 },
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadAverage: os.loadavg() },
    results,
  };
  writeFileSync(path.join(__dirname, 'results', 'cluster.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log('wrote bench/results/cluster.json');
}
