// What the benchmark's cost comparisons (bench/usage-cost.ts,
// bench/last-known-cost.ts) share: the helpers bench/run.ts hands them, the
// warm-up, interleaved rounds that read each gateway process's own CPU time
// before and after each run, and stopping everything they started.
import type { GatewayKind, GatewaySettings } from './gateway-process';
import type { RunFigures } from './main-table';
import { machineNow, writeBenchResult } from './results-file';
import type { GatewayProcess, SubgraphSet } from './services';
import type { Workload } from './workloads';

export interface CostHelpers {
  settings: { baseScale: string; durationSeconds: number; rounds: number; warmupSeconds: number; connections: number };
  workloads: Record<string, Workload>;
  setUp(): Promise<{ identitySecret: string; gatewaySettings: (kind: GatewayKind, urls: Record<string, string>) => GatewaySettings }>;
  startSubgraphs(scaleName: string, identitySecret: string, label?: string): Promise<SubgraphSet>;
  startGatewayProcess(settings: GatewaySettings): Promise<GatewayProcess>;
  load(gateway: GatewayProcess, workload: Workload, seconds: number): Promise<RunFigures>;
  post(url: string, workload: Workload): Promise<unknown>;
  dropDatabases(): Promise<void>;
  stopChildren(): void;
  closeLog(): void;
}

/** One gateway's runs of one workload: requests, its process's CPU microseconds over them, and each round's requests per second. */
export interface CpuFigures {
  requests: number;
  cpuMicros: number;
  rps: number[];
}

export const round2 = (value: number) => Math.round(value * 100) / 100;
export const cpuPerRequest = (f: CpuFigures) => f.cpuMicros / f.requests;
export const meanRps = (f: CpuFigures) => f.rps.reduce((a, b) => a + b, 0) / f.rps.length;

/**
 * Each workload (by key) warmed up on each gateway, then `rounds` rounds of
 * runs, interleaved, the gateways' order reversed every other round.
 * `describe` names a gateway in the progress lines.
 */
export async function cpuRounds<G extends string>(h: CostHelpers, gateways: Record<G, GatewayProcess>, keys: string[], describe: (gateway: G) => string): Promise<Record<string, Record<G, CpuFigures>>> {
  const names = Object.keys(gateways) as G[];
  const figures: Record<string, Record<G, CpuFigures>> = {};
  for (const key of keys) {
    figures[key] = {} as Record<G, CpuFigures>;
    for (const name of names) {
      await h.post(gateways[name].url, h.workloads[key]);
      await h.load(gateways[name], h.workloads[key], h.settings.warmupSeconds);
      figures[key][name] = { requests: 0, cpuMicros: 0, rps: [] };
    }
  }
  for (let round = 0; round < h.settings.rounds; round++) {
    for (const key of keys) {
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        console.error(`  round ${round + 1}/${h.settings.rounds}: ${h.workloads[key].name} via ${describe(name)}`);
        const before = await gateways[name].cpu();
        const run = await h.load(gateways[name], h.workloads[key], h.settings.durationSeconds);
        const after = await gateways[name].cpu();
        const entry = figures[key][name];
        entry.requests += run.requests;
        entry.cpuMicros += after - before;
        entry.rps.push(run.requestsPerSecond);
      }
    }
  }
  return figures;
}

/** The subgraphs at BENCH_BASE_SCALE on fresh databases (`label` in their names), stopped with the rest; and how to start gateways over them. */
export async function startBaseScale(h: CostHelpers, what: string, label: string, stops: (() => Promise<void>)[]): Promise<{ set: SubgraphSet; identitySecret: string; gatewaySettings: (kind: GatewayKind) => GatewaySettings }> {
  const { identitySecret, gatewaySettings } = await h.setUp();
  console.error(`${what}: seeding PostgreSQL at the ${h.settings.baseScale} scale`);
  const set = await h.startSubgraphs(h.settings.baseScale, identitySecret, `${h.settings.baseScale}_${label}`);
  stops.unshift(set.stop);
  return { set, identitySecret, gatewaySettings: (kind) => gatewaySettings(kind, set.urls) };
}

/** Writes the comparison's rows to bench/results/<file> with its command, settings, machine and duration, and says where. */
export function writeCostResult(h: CostHelpers, command: string, file: string, rows: unknown[], started: number): void {
  const result = {
    generatedAt: new Date().toISOString(),
    command,
    settings: h.settings,
    machine: machineNow(),
    workloads: rows,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  console.log(`written to ${writeBenchResult(file, result)} (${result.seconds} s)`);
}

/** Stops what a comparison started (in the order given), the benchmark's child processes and databases, and closes its log. */
export async function stopAll(h: CostHelpers, stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops) await stop().catch((error) => console.error('stop:', error));
  h.stopChildren();
  await h.dropDatabases();
  h.closeLog();
}
