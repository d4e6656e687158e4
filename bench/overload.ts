// `npm run bench -- --overload`: the uncached scorecard under 50 connections
// (issue 18). Subgraphs on PostgreSQL at the base scale (in the benchmark's
// process, each bounded by SUBGRAPH_MAX_IN_FLIGHT's default, 64), and two
// gateways in processes of their own, response caching off: one with
// admission control (GATEWAY_MAX_IN_FLIGHT's default, 16), one without (0).
// First the capacity: complete answers per second at BENCH_CONNECTIONS (4)
// connections, under no overload. Then each gateway with 50 connections:
// complete answers per second against that capacity, the share of partial
// answers (data with SUBGRAPH_TIMEOUT or SUBGRAPH_UNAVAILABLE), 503s shed,
// other failures, latency, and CPU time per request from the processes' own
// counters (the gateway's process.cpuUsage over IPC; the benchmark's process,
// which runs the subgraphs and the load generator, its own). Writes
// bench/results/overload.json.
import { GATEWAY_MAX_IN_FLIGHT_DEFAULT, SUBGRAPH_MAX_IN_FLIGHT_DEFAULT } from '../platform/server/admission';
import type { StartOptions } from '../platform/server/subgraph';
import type { GatewayKind, GatewaySettings } from './gateway-process';
import type { GatewayProcess, SubgraphSet } from './services';
import type { Workload } from './workloads';
import { writeBenchResult } from './results-file';
import { percentile } from './stats';

export interface OverloadHelpers {
  settings: { baseScale: string; connections: number };
  workloads: Record<string, Workload>;
  authorization(): string;
  setUp(): Promise<{ identitySecret: string; gatewaySettings: (kind: GatewayKind, urls: Record<string, string>) => GatewaySettings }>;
  startSubgraphs(scaleName: string, identitySecret: string, label?: string, extra?: Partial<StartOptions>): Promise<SubgraphSet>;
  startGatewayProcess(settings: GatewaySettings): Promise<GatewayProcess>;
  dropDatabases(): Promise<void>;
  stopChildren(): void;
  closeLog(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => PromiseLike<{ requests: { total: number }; duration: number; errors: number; timeouts: number }> & {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
};

const DURATION_SECONDS = Number(process.env.BENCH_OVERLOAD_DURATION ?? '15');
const OVERLOAD_CONNECTIONS = 50;

interface Figures {
  connections: number;
  seconds: number;
  complete: number;
  partial: number;
  shed: number;
  otherFailures: number;
  completePerSecond: number;
  partialShare: number;
  /** Latency of the answers that were not shed (HTTP 200), ms. */
  p50Ms: number;
  p99Ms: number;
  /** CPU time per complete answer, ms: the gateway's process, and the benchmark's (subgraphs + load generator). */
  gatewayCpuMsPerComplete: number;
  subgraphsAndLoadCpuMsPerComplete: number;
  /** CPU time per request answered in any way (503s included), ms. */
  gatewayCpuMsPerRequest: number;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** What became of the answers: complete, partial (data with errors), shed (503), anything else. */
interface Tally {
  complete: number;
  partial: number;
  shed: number;
  otherFailures: number;
}

function tallyAnswer(tally: Tally, status: number, text: string): void {
  if (status === 503) return void tally.shed++;
  if (status !== 200) return void tally.otherFailures++;
  try {
    const answer = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
    if (!answer.errors?.length) tally.complete++;
    else if (answer.data) tally.partial++;
    else tally.otherFailures++;
  } catch {
    tally.otherFailures++;
  }
}

async function run(gateway: GatewayProcess, workload: Workload, authorization: string, connections: number): Promise<Figures> {
  const tally: Tally = { complete: 0, partial: 0, shed: 0, otherFailures: 0 };
  const latencies: number[] = [];
  const body = JSON.stringify({ query: workload.query, variables: workload.variables });
  const gatewayCpu = await gateway.cpu();
  const ownCpu = process.cpuUsage();
  const instance = autocannon({
    url: gateway.url,
    connections,
    duration: DURATION_SECONDS,
    // Longer than the gateway's request deadline (15 s): every answer is counted as what it was.
    timeout: 30,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json', authorization }, body, onResponse: (status: number, text: string) => tallyAnswer(tally, status, text) }],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status === 200) latencies.push(ms);
  });
  const result = await instance;
  const gatewayMicros = (await gateway.cpu()) - gatewayCpu;
  const own = process.cpuUsage(ownCpu);
  // Let requests still being answered finish before the next run.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  latencies.sort((a, b) => a - b);
  const { complete, partial, shed, otherFailures } = tally;
  const answered = complete + partial + shed + otherFailures;
  return {
    connections,
    seconds: result.duration,
    complete,
    partial,
    shed,
    otherFailures: otherFailures + result.errors + result.timeouts,
    completePerSecond: round(complete / result.duration),
    partialShare: round(answered ? partial / (complete + partial) || 0 : 0, 3),
    p50Ms: round(percentile(latencies, 50), 0),
    p99Ms: round(percentile(latencies, 99), 0),
    gatewayCpuMsPerComplete: round(gatewayMicros / 1000 / Math.max(1, complete)),
    subgraphsAndLoadCpuMsPerComplete: round((own.user + own.system) / 1000 / Math.max(1, complete)),
    gatewayCpuMsPerRequest: round(gatewayMicros / 1000 / Math.max(1, answered)),
  };
}

export async function measureOverload(h: OverloadHelpers): Promise<void> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const { identitySecret, gatewaySettings } = await h.setUp();
    // BENCH_OVERLOAD_DB=pglite: the embedded default (npm start), one in-process connection per subgraph.
    const pglite = process.env.BENCH_OVERLOAD_DB === 'pglite';
    console.error(`overload: seeding ${pglite ? 'PGlite' : 'PostgreSQL'} at the ${h.settings.baseScale} scale`);
    const set = await h.startSubgraphs(h.settings.baseScale, identitySecret, `${h.settings.baseScale}_overload`, { maxInFlight: SUBGRAPH_MAX_IN_FLIGHT_DEFAULT, ...(pglite ? { databaseUrl: undefined } : {}) });
    stops.unshift(set.stop);
    const admitted = await h.startGatewayProcess({ ...gatewaySettings('hub', set.urls), maxInFlight: GATEWAY_MAX_IN_FLIGHT_DEFAULT });
    stops.unshift(admitted.stop);
    const unbounded = await h.startGatewayProcess({ ...gatewaySettings('hub', set.urls), maxInFlight: 0 });
    stops.unshift(unbounded.stop);
    const workload = h.workloads.scorecard;
    // Warm both (plans, connections).
    for (const g of [admitted, unbounded]) for (let i = 0; i < 3; i++) await fetch(g.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: h.authorization() }, body: JSON.stringify({ query: workload.query, variables: workload.variables }) });

    console.error(`overload: capacity, ${h.settings.connections} connections, ${DURATION_SECONDS} s`);
    const capacity = await run(admitted, workload, h.authorization(), h.settings.connections);
    console.error(`overload: ${OVERLOAD_CONNECTIONS} connections with admission control (GATEWAY_MAX_IN_FLIGHT=${GATEWAY_MAX_IN_FLIGHT_DEFAULT})`);
    const withAdmission = await run(admitted, workload, h.authorization(), OVERLOAD_CONNECTIONS);
    console.error(`overload: ${OVERLOAD_CONNECTIONS} connections without (GATEWAY_MAX_IN_FLIGHT=0)`);
    const without = await run(unbounded, workload, h.authorization(), OVERLOAD_CONNECTIONS);

    const rows = { capacity, 'admission (16)': withAdmission, 'no admission': without };
    const columns: (keyof Figures)[] = ['connections', 'complete', 'partial', 'shed', 'otherFailures', 'completePerSecond', 'partialShare', 'p50Ms', 'p99Ms', 'gatewayCpuMsPerComplete', 'subgraphsAndLoadCpuMsPerComplete', 'gatewayCpuMsPerRequest'];
    console.log(`\nuncached scorecard (${workload.name}), ${DURATION_SECONDS} s a run, ${pglite ? 'PGlite' : 'PostgreSQL'}, seed scale ${h.settings.baseScale}, subgraphs bounded at ${SUBGRAPH_MAX_IN_FLIGHT_DEFAULT}`);
    console.log(['run', ...columns].join('\t'));
    for (const [name, figures] of Object.entries(rows)) console.log([name, ...columns.map((c) => figures[c])].join('\t'));
    console.log(`complete answers/s under overload vs capacity: with admission ${round((withAdmission.completePerSecond / capacity.completePerSecond) * 100, 0)} %, without ${round((without.completePerSecond / capacity.completePerSecond) * 100, 0)} %`);
    const result = { at: new Date().toISOString(), durationSeconds: DURATION_SECONDS, database: pglite ? 'pglite' : 'postgres', scale: h.settings.baseScale, rows };
    console.error(`written to ${writeBenchResult(pglite ? 'overload-pglite.json' : 'overload.json', result)}`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    h.stopChildren();
    await h.dropDatabases();
    h.closeLog();
  }
}
