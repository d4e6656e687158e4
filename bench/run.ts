// `npm run bench` (issue 8): the three workloads through the hub's gateway and
// through a bare gateway, interleaved, on fresh PostgreSQL databases at the
// benchmark scale; prints a table and writes bench/results/latest.json.
// docs/caching-and-benchmark.md ("Benchmark") describes what is measured and the variables.
//
// Shape: the four subgraphs run in this process (so each database's SQL
// statement count can be read); each gateway runs in its own process (so its
// peak memory is its own); autocannon sends the load from this process. Every
// gateway calls the same subgraphs over HTTP.
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import pg from 'pg';
import { DEFAULT_AUDIENCE } from '../gateway/auth';
import pino from 'pino';
import { SEED_SCALES, stringFromEnv } from '../platform/core/config';
import type { StartOptions } from '../platform/server/subgraph';
import type { SubgraphProcessSettings, SubgraphStats } from './subgraph-process';
import { replay, stagesOf, startRecorder } from './floor';
import { SUPERGRAPH_PATH } from '../schema/compose';
import { listSubgraphs } from '../schema/subgraphs';
import type { GatewayKind, GatewaySettings } from './gateway-process';
import { SCORECARD, SCORECARD_VARIABLES, TOWNSHIP_DETAIL, TOWNSHIP_DETAIL_VARIABLES, WIDE_LIST, wideListVariables, type Workload } from './workloads';
import type { GatewayProcess, SubgraphSet } from './services';
import { newEd25519KeyPair } from '../platform/access/dev-keys';
import { newIdentitySecret, subgraphIdentityKey } from '../platform/access/identity';
import { measureIdentityCost } from './identity-cost';
import { measureOverload } from './overload';
import { measureUsageCost } from './usage-cost';
import { measureLastKnownCost } from './last-known-cost';
import { writeBenchResult } from './results-file';
import { median, percentile } from './stats';
import { calibrationCpuMs } from './calibration';
import { emptyCells, mainTable, merge, pairedRatio, printTable, round2, type Cell, type CountedRun, type GatewayKey, type MainTable, type PerRequest, type Rounds, type RunFigures } from './main-table';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => AutocannonInstance;
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
interface AutocannonResult {
  requests: { total: number; average: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

const env = (name: string, fallback: string) => stringFromEnv(name) ?? fallback;
const SETTINGS = {
  postgresUrl: env('BENCH_POSTGRES_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
  scale: env('BENCH_SEED_SCALE', 'bench'),
  baseScale: env('BENCH_BASE_SCALE', 'default'),
  durationSeconds: Number(env('BENCH_DURATION', '5')),
  connections: Number(env('BENCH_CONNECTIONS', '4')),
  rounds: Number(env('BENCH_ROUNDS', '5')),
  /** Whole rounds run first and not counted: the first round after start-up costs far more (JIT, caches, pools). */
  warmupRounds: Number(env('BENCH_WARMUP_ROUNDS', '2')),
  warmupSeconds: Number(env('BENCH_WARMUP', '1')),
  /** Each cell of the main table sends at least a fixed number of requests (the workload's `cellRequests` times this)... */
  requestsFactor: Number(env('BENCH_REQUESTS_FACTOR', '1')),
  /** ...and enough to last about this many seconds at the rate the cell ran at the round before. */
  cellSeconds: Number(env('BENCH_CELL_SECONDS', '3')),
  /** Identical scorecards sent at once for subgraphCallsPerRequestBurst32. */
  burst: Number(env('BENCH_BURST', '32')),
  /** The file in bench/results the run is written to: `latest-repeat.json` for the repeat run. */
  resultFile: env('BENCH_RESULT', 'latest.json'),
};
const ISSUER = 'rule-of-law-hub-bench';
/** The viewer the bench token stands for (the floor's replayed calls carry its identity). */
const BENCH_VIEWER = { subject: 'bench-dashboard', agency: 'judicial', scopes: [], regions: [] };

const WORKLOADS: Record<string, Workload> = {
  scorecard: { name: 'scorecard', query: SCORECARD, variables: SCORECARD_VARIABLES, cellRequests: 240 },
  townshipDetail: { name: 'township detail', query: TOWNSHIP_DETAIL, variables: TOWNSHIP_DETAIL_VARIABLES, cellRequests: 400 },
  wideList: { name: 'wide list (100 offices)', query: WIDE_LIST, variables: wideListVariables(100), cellRequests: 80 },
  wideList10: { name: 'wide list (10 offices)', query: WIDE_LIST, variables: wideListVariables(10), cellRequests: 500 },
};
const CACHED_CELL_REQUESTS = 3000;

/**
 * Every service logs as deployed (a request line each, at LOG_LEVEL), into a
 * file rather than the terminal: tens of thousands of lines would bury the table.
 */
const LOG_PATH = env('BENCH_LOG', path.join(os.tmpdir(), 'hub-bench.log'));
const logFd = openSync(LOG_PATH, 'w');
const logDestination = pino.destination({ fd: logFd });

const scaleOf = (raw: string): number => (raw in SEED_SCALES ? SEED_SCALES[raw as keyof typeof SEED_SCALES] : Number(raw));

// ---- databases ---------------------------------------------------------------

const dropList: string[] = [];

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SETTINGS.postgresUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(label: string): Promise<string> {
  const name = `hub_bench_${label.replace(/\W/g, '_')}_${process.pid}`;
  await admin((c) => c.query(`drop database if exists "${name}" with (force)`).then(() => c.query(`create database "${name}"`)));
  dropList.push(name);
  const url = new URL(SETTINGS.postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabases(): Promise<void> {
  for (const name of dropList.splice(0)) {
    await admin((c) => c.query(`drop database if exists "${name}" with (force)`)).catch((error) => console.error(`drop ${name}:`, error.message));
  }
}

// ---- subgraphs and gateways ----------------------------------------------------

const children = new Set<ChildProcess>();

/** A benchmark process (bench/<file>) with its settings in the variable `envName`; its output goes to the log. */
function forkChild(file: string, envName: string, settings: unknown): ChildProcess {
  const child = fork(path.join(__dirname, file), [], {
    execArgv: ['--import', 'tsx'],
    // Every service as deployed (the image sets NODE_ENV=production): graphql-js, for one, checks each
    // instanceof more slowly outside production; the keys come from the settings, never development keys.
    env: { ...process.env, NODE_ENV: 'production', [envName]: JSON.stringify(settings) },
    stdio: ['ignore', logFd, 'inherit', 'ipc'],
  });
  children.add(child);
  return child;
}

/** Sends `{ type }` to the child; resolves with what `pick` takes of its answer of the same type. */
function ask<T>(child: ChildProcess, type: string, pick: (message: any) => T): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: any) => {
      if (message?.type === type) {
        child.off('message', listener);
        resolve(pick(message));
      }
    };
    child.on('message', listener);
    child.send({ type });
  });
}

/** Asks the child to stop; resolves once it has exited. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((done) => {
    child.removeAllListeners('exit');
    child.once('exit', () => {
      children.delete(child);
      done();
    });
    child.send({ type: 'stop' });
  });
}

/** One subgraph in its own process (bench/subgraph-process.ts), seeded there. */
function startSubgraphProcess(settings: SubgraphProcessSettings, progress: (message: string) => void): Promise<{ url: string; stats(): Promise<SubgraphStats>; stop(): Promise<void> }> {
  const child = forkChild('subgraph-process.ts', 'BENCH_SUBGRAPH', settings);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${settings.name} subgraph exited with ${code}`)));
    const onMessage = (message: any) => {
      if (message?.type === 'progress') return progress(message.message);
      if (message?.type !== 'ready') return reject(new Error(`unexpected message ${JSON.stringify(message)}`));
      child.off('message', onMessage);
      resolve({
        url: message.url,
        stats: () => ask(child, 'stats', (m) => ({ cpuMicros: m.cpuMicros, statements: m.statements, requests: m.requests })),
        stop: () => stopChild(child),
      });
    };
    child.on('message', onMessage);
  });
}

async function startSubgraphs(scaleName: string, identitySecret: string, label = scaleName, extra: Partial<StartOptions> = {}): Promise<SubgraphSet> {
  const subgraphs: { name: string; url: string; stats(): Promise<SubgraphStats>; stop(): Promise<void> }[] = [];
  const started = Date.now();
  // One at a time: seeding at the benchmark scale is the slow part, and a 2-core machine does no better in parallel.
  for (const info of listSubgraphs()) {
    const databaseUrl = await freshDatabase(`${label}_${info.name}`);
    const options: Partial<StartOptions> = { databaseUrl, seedScale: scaleOf(scaleName), identityKey: subgraphIdentityKey(identitySecret, info.name), ...extra };
    const running = await startSubgraphProcess({ name: info.name, options }, (message) => process.stderr.write(`  [${scaleName} ${info.name}] ${message}\n`));
    subgraphs.push({ name: info.name, ...running });
  }
  process.stderr.write(`  subgraphs at scale ${scaleName} ready in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  const stats = async () => Object.fromEntries(await Promise.all(subgraphs.map(async (s) => [s.name, await s.stats()] as const)));
  return {
    urls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
    stats,
    statements: async () => Object.values(await stats()).reduce((sum, s) => sum + s.statements, 0),
    requests: async () => Object.values(await stats()).reduce((sum, s) => sum + s.requests, 0),
    stop: async () => {
      for (const s of subgraphs) await s.stop();
    },
  };
}

function startGatewayProcess(settings: GatewaySettings): Promise<GatewayProcess> {
  const child = forkChild('gateway-process.ts', 'BENCH_GATEWAY', settings);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${settings.kind} gateway exited with ${code}`)));
    child.once('message', (message: any) => {
      if (message?.type !== 'ready') return reject(new Error(`unexpected message ${JSON.stringify(message)}`));
      resolve({
        url: `http://127.0.0.1:${message.port}/graphql`,
        resetPeak: () => ask(child, 'reset', () => undefined),
        peak: () => ask(child, 'peak', (m) => m.rss as number),
        cpu: () => ask(child, 'cpu', (m) => m.micros as number),
        stop: () => stopChild(child),
      });
    });
  });
}

// ---- measuring ---------------------------------------------------------------

let authorization = '';

/** The request every run of a workload sends: the same headers and body for fetch and for autocannon. */
const request = (workload: Workload) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization },
  body: JSON.stringify({ query: workload.query, variables: workload.variables }),
});

async function post(url: string, workload: Workload): Promise<any> {
  const response = await fetch(url, request(workload));
  const body = (await response.json()) as any;
  if (response.status !== 200 || body.errors) throw new Error(`${workload.name} at ${url}: HTTP ${response.status} ${JSON.stringify(body.errors)}`);
  return body;
}

async function load(gateway: GatewayProcess, workload: Workload, seconds: number): Promise<RunFigures> {
  await gateway.resetPeak();
  const latencies: number[] = [];
  const instance = autocannon({
    url: gateway.url,
    ...request(workload),
    connections: SETTINGS.connections,
    duration: seconds,
  });
  instance.on('response', (_client, _status, _bytes, ms) => {
    latencies.push(ms);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  // Requests cut off at the end of the run are still being answered (a scorecard
  // at the benchmark scale takes seconds): let them finish before the next run,
  // whichever gateway it measures, so that no run pays for the one before it.
  await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 200 + 1.5 * (latencies[latencies.length - 1] ?? 0))));
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    peakRssMb: (await gateway.peak()) / 2 ** 20,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * A fixed number of requests (not a fixed time), so that every request's work
 * is counted and nothing is cut off: CPU per request is each process's CPU
 * time over the run (its own counters: the load generator and whatever else
 * the machine runs are not in them) divided by the requests.
 */
async function loadCounted(gateway: GatewayProcess, set: SubgraphSet, workload: Workload, requested: number, connections = SETTINGS.connections): Promise<CountedRun> {
  const amount = Math.max(requested, connections);
  await gateway.resetPeak();
  const latencies: number[] = [];
  const [gatewayBefore, subgraphsBefore] = await Promise.all([gateway.cpu(), set.stats()]);
  const started = performance.now();
  const instance = autocannon({ url: gateway.url, ...request(workload), connections, amount });
  // The run's time is until its last answer: autocannon itself ends a run only on its next one-second tick.
  let last = started;
  instance.on('response', (_client, _status, _bytes, ms) => {
    latencies.push(ms);
    last = performance.now();
  });
  const result = await instance;
  const wallSeconds = (last - started) / 1000;
  const [gatewayAfter, subgraphsAfter] = await Promise.all([gateway.cpu(), set.stats()]);
  latencies.sort((a, b) => a - b);
  const cpuMs: Record<string, number> = { gateway: (gatewayAfter - gatewayBefore) / 1000 / amount };
  for (const name of Object.keys(subgraphsAfter)) cpuMs[name] = (subgraphsAfter[name].cpuMicros - subgraphsBefore[name].cpuMicros) / 1000 / amount;
  cpuMs.total = Object.values(cpuMs).reduce((sum, ms) => sum + ms, 0);
  const callsPerRequest = grownBy(subgraphsBefore, subgraphsAfter, 'requests') / amount;
  return {
    requests: result.requests.total,
    requestsPerSecond: amount / wallSeconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    peakRssMb: (await gateway.peak()) / 2 ** 20,
    failures: result.errors + result.timeouts + result.non2xx,
    cpuMs,
    callsPerRequest,
    wallSeconds,
  };
}

/** How much a counter of the subgraphs' (SQL statements, GraphQL requests) grew between two readings, all subgraphs together. */
function grownBy(before: Record<string, SubgraphStats>, after: Record<string, SubgraphStats>, key: 'statements' | 'requests'): number {
  return Object.keys(after).reduce((sum, name) => sum + after[name][key] - before[name][key], 0);
}

/** Subgraph calls per request when `burst` identical requests arrive at once (the mean of three bursts). */
async function burstCalls(set: SubgraphSet, gateway: GatewayProcess, workload: Workload, burst: number): Promise<number> {
  const before = await set.requests();
  for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: burst }, () => post(gateway.url, workload)));
  return (await set.requests() - before) / (3 * burst);
}

/** SQL statements and subgraph requests per request: exact, from sequential requests. */
async function perRequest(set: SubgraphSet, gateway: GatewayProcess, workload: Workload, n = 5): Promise<{ sql: number; subgraphRequests: number }> {
  await post(gateway.url, workload);
  const before = await set.stats();
  for (let i = 0; i < n; i++) await post(gateway.url, workload);
  const after = await set.stats();
  return { sql: grownBy(before, after, 'statements') / n, subgraphRequests: grownBy(before, after, 'requests') / n };
}

/** The keys of a run, the dashboard token every request carries, and each gateway's settings. */
async function setUp(): Promise<{ identitySecret: string; gatewaySettings: (kind: GatewayKind, urls: Record<string, string>) => GatewaySettings }> {
  const tokenKeys = newEd25519KeyPair();
  const identitySecret = newIdentitySecret();
  // A dashboard's token (no case scopes): the hub verifies it on every request; the bare gateway ignores it.
  authorization = `Bearer ${await new SignJWT({ sub: 'bench-dashboard', agency: 'judicial' })
    .setProtectedHeader({ alg: 'EdDSA' }).setIssuer(ISSUER).setAudience(DEFAULT_AUDIENCE).setIssuedAt().setExpirationTime('2h')
    .sign(await importPKCS8(tokenKeys.privateKey, 'EdDSA'))}`;
  const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
  return {
    identitySecret,
    gatewaySettings: (kind, urls) => ({
      kind, supergraphSdl, subgraphUrls: urls, tokenPublicKey: tokenKeys.publicKey, issuer: ISSUER, audience: DEFAULT_AUDIENCE, identitySecret,
    }),
  };
}

type Gateways = Record<GatewayKey, GatewayProcess>;
type Stops = (() => Promise<void>)[];
type GatewaySettingsOf = Awaited<ReturnType<typeof setUp>>['gatewaySettings'];

async function main(): Promise<void> {
  const started = Date.now();
  const { identitySecret, gatewaySettings } = await setUp();
  console.error(`bench: ${JSON.stringify(SETTINGS)}`);

  const stops: Stops = [];
  try {
    const scorecardAtDefault = await scorecardAtBaseScale(identitySecret, gatewaySettings, stops);
    // -- the benchmark scale.
    const { set, gateways } = await startBenchScale(identitySecret, gatewaySettings, stops);
    await expectSameAnswers(gateways);
    const counts: Record<string, Record<'hub' | 'bare', PerRequest>> = {};
    for (const [key, workload] of Object.entries(WORKLOADS)) {
      counts[key] = { hub: await perRequest(set, gateways.hub, workload), bare: await perRequest(set, gateways.bare, workload) };
    }
    const { rounds, loadAverages, calibrations } = await countedRounds(set, gateways);
    // -- subgraph calls on a burst of identical scorecards, and the floor
    const burstCallsPerRequest = round2(await burstCalls(set, gateways.hub, WORKLOADS.scorecard, SETTINGS.burst));
    const floor = await measureFloor(set, gateways.hub, identitySecret, gatewaySettings, stops);
    // -- figures
    const table = mainTable(WORKLOADS, rounds, counts, SETTINGS.burst);
    const result = benchResult({ started, rounds, table, counts, scorecardAtDefault, scorecardAtBench: merge(rounds.scorecard.hub), burstCallsPerRequest, floor, loadAverages, calibrated: inCalibrations(rounds, calibrations) });
    printTable(table.rows);
    printSummary(result);
    console.log(`written to ${writeBenchResult(SETTINGS.resultFile, result)} (${result.seconds} s); the services' logs are in ${LOG_PATH}`);
  } finally {
    for (const stop of stops) await stop().catch((error) => console.error('stop:', error));
    for (const child of children) child.kill();
    await dropDatabases();
    logDestination.flushSync();
    closeSync(logFd);
  }
}

const cells = (workload: Workload) => Math.max(1, Math.round((workload.cellRequests ?? 200) * SETTINGS.requestsFactor));

/** The default scale first: the scorecard's latency there, through the hub (its subgraphs and gateway stopped after). */
async function scorecardAtBaseScale(identitySecret: string, gatewaySettings: GatewaySettingsOf, stops: Stops): Promise<CountedRun> {
  console.error(`seeding PostgreSQL at the base scale (${SETTINGS.baseScale})`);
  const small = await startSubgraphs(SETTINGS.baseScale, identitySecret);
  stops.unshift(small.stop);
  const smallHub = await startGatewayProcess(gatewaySettings('hub', small.urls));
  await post(smallHub.url, WORKLOADS.scorecard);
  await load(smallHub, WORKLOADS.scorecard, SETTINGS.warmupSeconds);
  const scorecardAtDefault = await loadCounted(smallHub, small, WORKLOADS.scorecard, Math.round((WORKLOADS.scorecard.cellRequests ?? 200) * SETTINGS.requestsFactor));
  await smallHub.stop();
  await small.stop();
  stops.shift();
  return scorecardAtDefault;
}

/** The subgraphs at the benchmark scale, and the three gateways over them. */
async function startBenchScale(identitySecret: string, gatewaySettings: GatewaySettingsOf, stops: Stops): Promise<{ set: SubgraphSet; gateways: Gateways }> {
  console.error(`seeding PostgreSQL at the benchmark scale (${SETTINGS.scale})`);
  const set = await startSubgraphs(SETTINGS.scale, identitySecret, `${SETTINGS.scale}_main`);
  stops.unshift(set.stop);
  const gateways = {
    bare: await startGatewayProcess(gatewaySettings('bare', set.urls)),
    hub: await startGatewayProcess(gatewaySettings('hub', set.urls)),
    cached: await startGatewayProcess(gatewaySettings('hub-cached', set.urls)),
  };
  for (const g of Object.values(gateways)) stops.unshift(g.stop);
  return { set, gateways };
}

/** Each workload answers without errors on every gateway, and alike. */
async function expectSameAnswers(gateways: Gateways): Promise<void> {
  for (const workload of Object.values(WORKLOADS)) {
    const [a, b, c] = await Promise.all([post(gateways.bare.url, workload), post(gateways.hub.url, workload), post(gateways.cached.url, workload)]);
    if (JSON.stringify(a) !== JSON.stringify(b) || JSON.stringify(a) !== JSON.stringify(c)) throw new Error(`${workload.name}: the gateways answer differently`);
  }
}

/** The warm-up rounds, then the counted ones; the load average before and after each counted round. */
async function countedRounds(set: SubgraphSet, gateways: Gateways): Promise<{ rounds: Rounds; loadAverages: number[][]; calibrations: number[] }> {
  let rounds: Rounds = {};
  for (const key of Object.keys(WORKLOADS)) rounds[key] = emptyCells();
  for (const workload of Object.values(WORKLOADS)) {
    for (const g of [gateways.bare, gateways.hub]) await load(g, workload, SETTINGS.warmupSeconds);
  }
  await load(gateways.cached, WORKLOADS.scorecard, SETTINGS.warmupSeconds);
  const loadAverages: number[][] = [os.loadavg().map(round2)];
  // Each counted round's calibration (bench/calibration.ts), taken just before it.
  const calibrations: number[] = [];
  for (let counted = -SETTINGS.warmupRounds; counted < SETTINGS.rounds; counted++) {
    // A warm-up round's figures are dropped before the counted rounds begin.
    if (counted === 0) {
      rounds = Object.fromEntries(Object.keys(rounds).map((key) => [key, emptyCells()]));
      loadAverages.splice(0, loadAverages.length, os.loadavg().map(round2));
    }
    if (counted >= 0) calibrations.push(calibrationCpuMs());
    await oneRound(set, gateways, counted, rounds);
    loadAverages.push(os.loadavg().map(round2));
  }
  return { rounds, loadAverages, calibrations };
}

/**
 * Each workload through the bare gateway and the hub, interleaved, the order
 * alternating from round to round, at SETTINGS.connections and then at
 * SETTINGS.burst connections (`hub32`, `bare32`); the scorecard also cached.
 */
async function oneRound(set: SubgraphSet, gateways: Gateways, counted: number, rounds: Rounds): Promise<void> {
  const round = Math.max(counted, 0);
  const label = counted < 0 ? 'warm-up round' : `round ${round + 1}/${SETTINGS.rounds}`;
  const order = round % 2 === 0 ? (['bare', 'hub'] as const) : (['hub', 'bare'] as const);
  for (const [key, workload] of Object.entries(WORKLOADS)) {
    for (const which of order) {
      console.error(`  ${label}: ${workload.name} via ${which}`);
      rounds[key][which].push(await runCell(`${key}/${which}`, gateways[which], set, workload, cells(workload)));
    }
    if (key === 'scorecard') {
      console.error(`  ${label}: ${workload.name} via hub with response caching`);
      rounds[key].cached.push(await runCell(`${key}/cached`, gateways.cached, set, workload, Math.round(CACHED_CELL_REQUESTS * SETTINGS.requestsFactor)));
    }
    for (const which of order) {
      console.error(`  ${label}: ${workload.name} via ${which} at ${SETTINGS.burst} connections`);
      rounds[key][`${which}32`].push(await runCell(`${key}/${which}32`, gateways[which], set, workload, cells(workload), SETTINGS.burst));
    }
  }
}

/** Each cell's rate (requests per second) the last time it ran. */
const lastRate = new Map<string, number>();

/**
 * One cell of a round: its base number of requests, or more, so that it runs
 * about SETTINGS.cellSeconds at the rate the same cell ran at the round
 * before (a fast cell of a few hundred requests is over in half a second,
 * too short for its CPU per request to repeat).
 */
async function runCell(cell: string, gateway: GatewayProcess, set: SubgraphSet, workload: Workload, base: number, connections = SETTINGS.connections): Promise<CountedRun> {
  const rate = lastRate.get(cell);
  const run = await loadCounted(gateway, set, workload, rate ? Math.max(base, Math.round(rate * SETTINGS.cellSeconds)) : base, connections);
  lastRate.set(cell, run.requestsPerSecond);
  return run;
}

interface Floor {
  stages: ReturnType<typeof stagesOf>;
  /** Each round's replay p50 and hub p50 at 1 connection (ms), measured one right after the other. */
  rounds: { replayP50: number; hubP50: number }[];
}

/**
 * The floor: the scorecard's subgraph calls, recorded through a hub, replayed
 * directly in their stages; and the hub at one connection. In rounds, each
 * replaying then asking the hub, so that both see the same machine: the ratio
 * is the median of the rounds' ratios.
 */
async function measureFloor(set: SubgraphSet, hub: GatewayProcess, identitySecret: string, gatewaySettings: GatewaySettingsOf, stops: Stops): Promise<Floor> {
  const recorder = await startRecorder(set.urls);
  stops.unshift(recorder.stop);
  const recording = await startGatewayProcess(gatewaySettings('hub', recorder.urls));
  stops.unshift(recording.stop);
  await post(recording.url, WORKLOADS.scorecard);
  // Stages are read from the calls' times: of three recordings, the one with the fewest
  // (a call the busy proxy took late can look like a stage of its own).
  const recordings: ReturnType<typeof stagesOf>[] = [];
  for (let i = 0; i < 3; i++) {
    recorder.calls.length = 0;
    await post(recording.url, WORKLOADS.scorecard);
    recordings.push(stagesOf(recorder.calls));
  }
  const stages = recordings.reduce((fewest, recorded) => (recorded.length < fewest.length ? recorded : fewest));
  const perRound = Math.max(1, Math.round(cells(WORKLOADS.scorecard) / SETTINGS.rounds));
  console.error(`  floor: the scorecard's ${stages.flat().length} subgraph calls in ${stages.length} stages, replayed directly, and the hub at 1 connection: ${SETTINGS.rounds} rounds of ${perRound} each`);
  await replay(stages, set.urls, identitySecret, BENCH_VIEWER, 10);
  await loadCounted(hub, set, WORKLOADS.scorecard, 10, 1);
  const rounds: Floor['rounds'] = [];
  for (let round = 0; round < SETTINGS.rounds; round++) {
    const replayP50 = percentile(await replay(stages, set.urls, identitySecret, BENCH_VIEWER, perRound), 50);
    rounds.push({ replayP50, hubP50: (await loadCounted(hub, set, WORKLOADS.scorecard, perRound, 1)).p50 });
  }
  return { stages, rounds };
}

interface Measured {
  started: number;
  rounds: Rounds;
  table: MainTable;
  counts: Record<string, Record<'hub' | 'bare', PerRequest>>;
  scorecardAtDefault: RunFigures;
  scorecardAtBench: RunFigures;
  burstCallsPerRequest: number;
  floor: Floor;
  loadAverages: number[][];
  calibrated: ReturnType<typeof inCalibrations>;
}

/**
 * Each cell's CPU per request (gateway + subgraphs) in its round's
 * calibrations (bench/calibration.ts): the median of the rounds.
 */
function inCalibrations(rounds: Rounds, calibrations: number[]) {
  const byWorkload = Object.fromEntries(
    Object.entries(rounds).map(([key, byCell]) => [
      key,
      Object.fromEntries(Object.entries(byCell).filter(([, runs]) => runs.length).map(([cell, runs]) => [cell, Math.round(1e4 * median(runs.map((run, i) => run.cpuMs.total / calibrations[i]))) / 1e4])),
    ]),
  );
  return { calibrationCpuMs: { median: round2(median(calibrations)), rounds: calibrations.map(round2) }, cpuPerRequestInCalibrations: byWorkload };
}

/** What bench/results/latest.json holds. */
function benchResult({ started, rounds, table, counts, scorecardAtDefault, scorecardAtBench, burstCallsPerRequest, floor, loadAverages, calibrated }: Measured) {
  const { figures, cpuMsPerRequest } = table;
  // Every hub / bare ratio is paired by round (main-table.ts pairedRatio): the median of the rounds' ratios.
  const against = (which: Cell): Cell => (which === 'hub32' ? 'bare32' : 'bare');
  const ratio = (key: string, which: 'hub' | 'cached' | 'hub32') => pairedRatio(rounds[key], which, against(which), (run) => run.requestsPerSecond);
  const cpuRatio = (key: string) => pairedRatio(rounds[key], 'hub', 'bare', (run) => run.cpuMs.total);
  // The same ratios as the cells' medians over each other (how they were reported before they were paired).
  const ofMedians = (key: string, which: 'hub' | 'cached' | 'hub32') => round2(figures[key][which].requestsPerSecond / figures[key][against(which)].requestsPerSecond);
  const keys = Object.keys(WORKLOADS);
  return {
    generatedAt: new Date().toISOString(),
    command: 'npm run bench',
    settings: SETTINGS,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadAverage: os.loadavg().map(round2) },
    throughputVsBare: Object.fromEntries(keys.map((key) => [key, ratio(key, 'hub')])),
    sqlPerRequestAt10: counts.wideList10.hub.sql,
    sqlPerRequestAt100: counts.wideList.hub.sql,
    scaleGrowth: round2(scorecardAtBench.p50 / scorecardAtDefault.p50),
    cachedVsBare: ratio('scorecard', 'cached'),
    scorecardLatencyMs: {
      defaultScale: { p50: round2(scorecardAtDefault.p50), p95: round2(scorecardAtDefault.p95), requestsPerSecond: round2(scorecardAtDefault.requestsPerSecond) },
      benchScale: { p50: round2(scorecardAtBench.p50), p95: round2(scorecardAtBench.p95), requestsPerSecond: round2(scorecardAtBench.requestsPerSecond) },
    },
    workloads: figures,
    seconds: Math.round((Date.now() - started) / 1000),
    // Issue 19: CPU ms per request over the gateway and the four subgraphs (each process's own counters; the median of the rounds).
    cpuMsPerRequest,
    cpuVsBare: Object.fromEntries(keys.map((key) => [key, cpuRatio(key)])),
    subgraphCallsPerRequest: Object.fromEntries(Object.entries(counts).map(([key, c]) => [key, c.hub.subgraphRequests])),
    subgraphCallsPerRequestBurst32: burstCallsPerRequest,
    throughputVsBareAt32: Object.fromEntries(keys.map((key) => [key, ratio(key, 'hub32')])),
    ratiosOfMedians: {
      throughputVsBare: Object.fromEntries(keys.map((key) => [key, ofMedians(key, 'hub')])),
      throughputVsBareAt32: Object.fromEntries(keys.map((key) => [key, ofMedians(key, 'hub32')])),
      cpuVsBare: Object.fromEntries(Object.entries(cpuMsPerRequest).map(([key, v]) => [key, round2(v.hub / v.bare)])),
      cachedVsBare: ofMedians('scorecard', 'cached'),
    },
    floorRatio: round2(median(floor.rounds.map((r) => r.hubP50 / r.replayP50))),
    floor: {
      stages: floor.stages.map((stage) => stage.map((c) => c.subgraph)),
      replayP50Ms: round2(median(floor.rounds.map((r) => r.replayP50))),
      hubP50AtOneConnectionMs: round2(median(floor.rounds.map((r) => r.hubP50))),
      rounds: floor.rounds.map((r) => ({ replayP50Ms: round2(r.replayP50), hubP50Ms: round2(r.hubP50), ratio: round2(r.hubP50 / r.replayP50) })),
    },
    // Each cell's rounds: the median, the spread ((max - min) / median) and every round's figure.
    spreadOfRounds: table.spreads,
    loadAverages,
    // How fast the machine ran each counted round, and each cell's CPU per request in those units (bench/calibration.ts).
    calibration: calibrated.calibrationCpuMs,
    cpuPerRequestInCalibrations: calibrated.cpuPerRequestInCalibrations,
  };
}

function printSummary(result: ReturnType<typeof benchResult>): void {
  console.log('');
  console.log(`throughput hub / bare: ${JSON.stringify(result.throughputVsBare)}`);
  console.log(`SQL statements per request, wide list: ${result.sqlPerRequestAt10} at 10 offices, ${result.sqlPerRequestAt100} at 100`);
  console.log(`scorecard p50 at ${SETTINGS.scale} scale / ${SETTINGS.baseScale} scale: ${result.scaleGrowth} (${result.scorecardLatencyMs.benchScale.p50} ms / ${result.scorecardLatencyMs.defaultScale.p50} ms)`);
  console.log(`repeated scorecard, hub with response cache / bare: ${result.cachedVsBare}`);
  console.log(`CPU per request (gateway + subgraphs), hub / bare: ${JSON.stringify(result.cpuVsBare)}`);
  console.log(`subgraph calls per request, hub: ${JSON.stringify(result.subgraphCallsPerRequest)}; scorecard, ${SETTINGS.burst} identical at once: ${result.subgraphCallsPerRequestBurst32}`);
  console.log(`throughput at ${SETTINGS.burst} connections, hub / bare: ${JSON.stringify(result.throughputVsBareAt32)}`);
  console.log(`floor: hub p50 at 1 connection / the plan's calls replayed directly: ${result.floorRatio} (${result.floor.hubP50AtOneConnectionMs} ms / ${result.floor.replayP50Ms} ms; stages ${JSON.stringify(result.floor.stages)})`);
  console.log(`calibration (CPU ms of a fixed piece of work, each counted round): ${result.calibration.rounds.join(', ')}; each cell's CPU per request in calibrations is in cpuPerRequestInCalibrations`);
  console.log(`load average during the rounds: ${result.loadAverages.map((l) => l[0]).join(', ')}; ± is half the spread of the rounds`);
}

process.on('SIGINT', () => {
  for (const child of children) child.kill();
  void dropDatabases().finally(() => process.exit(130));
});

// `npm run bench -- --usage-cost`: only the field-usage comparison (bench/usage-cost.ts);
// `--last-known-cost`: only the last-known figures' (bench/last-known-cost.ts);
// `--dashboard`: only the dashboard in a browser (bench/dashboard.ts);
// `--identity`: only the forwarded identity's CPU cost (bench/identity-cost.ts);
// `--overload`: only the uncached scorecard under 50 connections (bench/overload.ts);
// `--cluster`: only one and three gateway replicas behind HAProxy (bench/cluster.ts).
const helpers = () => ({ settings: SETTINGS, workloads: WORKLOADS, setUp, startSubgraphs, startGatewayProcess, load, post, dropDatabases, stopChildren: () => children.forEach((child) => child.kill()), closeLog: () => (logDestination.flushSync(), closeSync(logFd)) });
const run = process.argv.includes('--cluster')
  ? () => import('./cluster').then((m) => m.benchCluster())
  : process.argv.includes('--dashboard')
  ? () => import('./dashboard').then((m) => m.benchDashboard()).finally(() => (logDestination.flushSync(), closeSync(logFd)))
  : process.argv.includes('--identity')
    ? measureIdentityCost
    : process.argv.includes('--overload')
      ? () => measureOverload({ ...helpers(), authorization: () => authorization })
      : process.argv.includes('--usage-cost')
        ? () => measureUsageCost(helpers())
        : process.argv.includes('--last-known-cost')
          ? () => measureLastKnownCost(helpers())
          : main;
run().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
