// `npm run bench -- --usage-cost`: what recording field usage (gateway/usage.ts)
// costs the gateway. Two hub gateways, each its own process, on the same
// subgraphs (PostgreSQL at BENCH_BASE_SCALE): `hub` and `hub-usage` (the same
// with usage recorded to the embedded store, flushed every 5 s as deployed).
// Interleaved runs of the scorecard, the township detail and the 10-office
// wide list, the order alternating each round. The figure that matters is
// each gateway process's own CPU time per request (process.cpuUsage, read
// before and after each run, flushes included), which the other processes on
// a shared machine do not disturb the way they disturb throughput; throughput
// is reported beside it. On a shared 2-core machine even CPU time per request
// moves by several per cent from run to run, more than the recording costs; so
// the recorder's own work is also timed directly, in this process: its hook
// called as the gateway calls it, with each workload's real document, schema
// and variables, and its flush to the file store, against the gateway's CPU
// time per request. Prints a table and writes bench/results/usage-cost.json.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse, getOperationAST } from 'graphql';
import { createLogger } from '../platform/core/log';
import { apiSchemaOf, SUPERGRAPH_PATH } from '../schema/compose';
import { sha256 } from '../schema/manifest';
import { createUsageRecorder } from '../gateway/usage';
import { openUsageStore } from '../gateway/usage-store';
import { cpuPerRequest, cpuRounds, meanRps, round2, startBaseScale, stopAll, writeCostResult, type CostHelpers, type CpuFigures } from './cost-rounds';
import type { Workload } from './workloads';

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/**
 * The recorder's own CPU time per request: its Apollo hooks called as the
 * gateway calls them (requestDidStart, then willSendResponse with the
 * workload's document, schema, variables and a client header), and the CPU
 * time of one flush of the counts to the file store.
 */
async function recorderCost(workload: Workload, iterations: number): Promise<{ hookMicros: number; flushMs: number }> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-recorder-'));
  const recorder = createUsageRecorder({ store: await openUsageStore({ directory }), flushMs: 3_600_000, logger: createLogger('bench', { level: 'silent' }) });
  try {
    const schema = apiSchemaOf(readFileSync(SUPERGRAPH_PATH, 'utf8'));
    const document = parse(workload.query);
    const operation = getOperationAST(document)!;
    const headers = new Map([['apollographql-client-name', 'dashboard']]);
    const context = {
      schema,
      document,
      operation,
      operationName: operation.name?.value ?? null,
      queryHash: sha256(workload.query),
      request: { http: { headers }, variables: workload.variables },
      response: { body: { kind: 'single', singleResult: { data: {} } } },
      contextValue: { viewer: { agency: 'judicial' } },
    } as never;
    const once = async () => {
      const listener = await recorder.plugin.requestDidStart!(context);
      await listener!.willSendResponse!(context);
    };
    for (let i = 0; i < 2_000; i++) await once();
    await recorder.flush();
    const before = cpuMicros();
    for (let i = 0; i < iterations; i++) await once();
    const hookMicros = (cpuMicros() - before) / iterations;
    // CPU time, as for the hook (the fsync's wait for the disk is not the gateway's CPU).
    const flushStart = cpuMicros();
    await recorder.flush();
    return { hookMicros, flushMs: (cpuMicros() - flushStart) / 1000 };
  } finally {
    await recorder.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

export async function measureUsageCost(h: CostHelpers): Promise<void> {
  const started = Date.now();
  const keys = ['scorecard', 'townshipDetail', 'wideList10'];
  const usageDir = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-usage-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const { gatewaySettings } = await startBaseScale(h, 'usage cost', 'usage', stops);
    const gateways = {
      hub: await h.startGatewayProcess(gatewaySettings('hub')),
      usage: await h.startGatewayProcess({ ...gatewaySettings('hub-usage'), usageDir }),
    };
    for (const g of Object.values(gateways)) stops.unshift(g.stop);
    const figures = await cpuRounds(h, gateways, keys, (which) => (which === 'hub' ? 'hub' : 'hub with usage'));
    const direct: Record<string, RecorderCost> = {};
    for (const key of keys) direct[key] = await recorderCost(h.workloads[key], 50_000);
    const rows = keys.map((key) => usageRow(h.workloads[key].name, figures[key], direct[key]));
    printUsageRows(rows);
    writeCostResult(h, 'npm run bench -- --usage-cost', 'usage-cost.json', rows, started);
  } finally {
    await stopAll(h, stops);
    rmSync(usageDir, { recursive: true, force: true });
  }
}

type RecorderCost = Awaited<ReturnType<typeof recorderCost>>;

function usageRow(workload: string, { hub, usage }: Record<'hub' | 'usage', CpuFigures>, direct: RecorderCost) {
  return {
    workload,
    hub: { cpuMicrosPerRequest: round2(cpuPerRequest(hub)), requestsPerSecond: round2(meanRps(hub)), requests: hub.requests },
    hubWithUsage: { cpuMicrosPerRequest: round2(cpuPerRequest(usage)), requestsPerSecond: round2(meanRps(usage)), requests: usage.requests },
    cpuPerRequestIncrease: round2((cpuPerRequest(usage) / cpuPerRequest(hub) - 1) * 100),
    throughputChange: round2((meanRps(usage) / meanRps(hub) - 1) * 100),
    // The recorder's own work: its hook per request, and a flush (every 5 s) shared by the requests of 5 s.
    recorder: {
      hookMicrosPerRequest: round2(direct.hookMicros),
      flushMs: round2(direct.flushMs),
      shareOfGatewayCpu: round2(((direct.hookMicros + (direct.flushMs * 1000) / (5 * meanRps(hub))) / cpuPerRequest(hub)) * 100),
    },
  };
}

function printUsageRows(rows: ReturnType<typeof usageRow>[]): void {
  console.log('workload                 CPU µs/req hub  CPU µs/req hub+usage  CPU change  req/s hub  req/s hub+usage  req/s change  recorder µs/req  flush ms  recorder share');
  for (const r of rows) {
    console.log(
      `${r.workload.padEnd(24)} ${r.hub.cpuMicrosPerRequest.toFixed(0).padStart(14)}  ${r.hubWithUsage.cpuMicrosPerRequest.toFixed(0).padStart(20)}  ${`${r.cpuPerRequestIncrease.toFixed(1)}%`.padStart(10)}  ${r.hub.requestsPerSecond.toFixed(1).padStart(9)}  ${r.hubWithUsage.requestsPerSecond.toFixed(1).padStart(15)}  ${`${r.throughputChange.toFixed(1)}%`.padStart(12)}  ${r.recorder.hookMicrosPerRequest.toFixed(1).padStart(15)}  ${r.recorder.flushMs.toFixed(1).padStart(8)}  ${`${r.recorder.shareOfGatewayCpu.toFixed(2)}%`.padStart(14)}`,
    );
  }
}
