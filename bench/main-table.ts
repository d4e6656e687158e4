// The main table of `npm run bench` (bench/run.ts): each cell's figures from
// its counted rounds (the median of the rounds, their spread, latencies
// weighted by each round's requests), the burst rows, and how the table is
// printed.
import { median } from './stats';

export interface RunFigures {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  peakRssMb: number;
  failures: number;
}

export interface CountedRun extends RunFigures {
  /** CPU milliseconds per request, by process (gateway, each subgraph) and in total. */
  cpuMs: Record<string, number>;
  /** Subgraph calls per request under this run's load: fewer than sequential requests make when calls in flight merge. */
  callsPerRequest: number;
  wallSeconds: number;
}

/** SQL statements and subgraph requests per request. */
export interface PerRequest {
  sql: number;
  subgraphRequests: number;
}

export type GatewayKey = 'hub' | 'bare' | 'cached';
/** A cell of the table: a gateway at the benchmark's connections, or at the burst's (`hub32`, `bare32`). */
export type Cell = GatewayKey | 'hub32' | 'bare32';
/** The counted rounds of each workload (by key), by cell. */
export type Rounds = Record<string, Record<Cell, CountedRun[]>>;
export const emptyCells = (): Record<Cell, CountedRun[]> => ({ hub: [], bare: [], cached: [], hub32: [], bare32: [] });

export const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * A ratio of two cells, round by round: `figure` of cell `a` over that of cell
 * `b` in the same round (the two run one right after the other, on the same
 * machine), and the median of those ratios. On a shared machine whose speed
 * drifts over minutes, the cells' own medians can come from different
 * stretches of it; a round's two cells come from the same one.
 */
export function pairedRatio(runs: Record<Cell, CountedRun[]>, a: Cell, b: Cell, figure: (run: CountedRun) => number): number {
  return round2(median(runs[a].map((run, round) => figure(run) / figure(runs[b][round]))));
}

type Spread = { median: number; spread: number; rounds: number[] };

/** Median of the rounds, and their spread: (max - min) / median. */
function spreadOf(values: number[]): Spread {
  const middle = median(values);
  return { median: round2(middle), spread: round2((Math.max(...values) - Math.min(...values)) / middle), rounds: values.map(round2) };
}

export function merge(runs: RunFigures[]): RunFigures {
  const total = runs.reduce((sum, r) => sum + r.requests, 0);
  const weighted = (key: 'p50' | 'p95' | 'p99') => runs.reduce((sum, r) => sum + r[key] * r.requests, 0) / total;
  return {
    requests: total,
    requestsPerSecond: runs.reduce((sum, r) => sum + r.requestsPerSecond, 0) / runs.length,
    // Per-run percentiles, weighted by each run's requests.
    p50: weighted('p50'),
    p95: weighted('p95'),
    p99: weighted('p99'),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
  };
}

const cpuByProcess = (list: CountedRun[]) => Object.fromEntries(Object.keys(list[0].cpuMs).map((name) => [name, spreadOf(list.map((r) => r.cpuMs[name])).median]));
const plusMinus = (spread: Spread) => `±${(spread.spread * 50).toFixed(0)}%`;

export interface MainTable {
  /** By workload key, by gateway (and `hub<burst>`, `bare<burst>` on the scorecard). */
  figures: Record<string, any>;
  rows: string[][];
  spreads: Record<string, Record<string, { requestsPerSecond: Spread; cpuMsPerRequest: Spread }>>;
  cpuMsPerRequest: Record<string, { hub: number; bare: number }>;
}

/** Every cell's figures and printed row: each workload through each gateway, at the benchmark's connections and at the burst's. */
export function mainTable(workloads: Record<string, { name: string }>, rounds: Rounds, counts: Record<string, Record<'hub' | 'bare', PerRequest>>, burst: number): MainTable {
  const table: MainTable = { figures: {}, rows: [], spreads: {}, cpuMsPerRequest: {} };
  for (const [key, workload] of Object.entries(workloads)) {
    table.figures[key] = {};
    table.spreads[key] = {};
    for (const which of ['bare', 'hub', 'cached', 'bare32', 'hub32'] as const) {
      if (!rounds[key][which].length) continue;
      // SQL statements and subgraph requests per request are counted from sequential requests, at the benchmark's connections only.
      const count = which === 'cached' || which.endsWith('32') ? null : counts[key][which === 'bare' ? 'bare' : 'hub'];
      const label = which === 'cached' ? 'hub, response cache' : which.endsWith('32') ? `${which.slice(0, -2)}, ${burst} connections` : which;
      addCell(table, key, workload.name, which, label, rounds[key][which], count);
    }
    table.cpuMsPerRequest[key] = { hub: table.figures[key].hub.cpuMsPerRequest.total, bare: table.figures[key].bare.cpuMsPerRequest.total };
  }
  return table;
}

function addCell(table: MainTable, key: string, name: string, which: Cell, label: string, runs: CountedRun[], count: PerRequest | null): void {
  const merged = merge(runs);
  const rps = spreadOf(runs.map((r) => r.requestsPerSecond));
  const cpu = spreadOf(runs.map((r) => r.cpuMs.total));
  table.spreads[key][which] = { requestsPerSecond: rps, cpuMsPerRequest: cpu };
  const entry = {
    // The median of the rounds (each a fixed number of requests).
    requestsPerSecond: rps.median,
    latencyMs: { p50: round2(merged.p50), p95: round2(merged.p95), p99: round2(merged.p99) },
    peakRssMb: round2(merged.peakRssMb),
    sqlPerRequest: count ? count.sql : null,
    subgraphRequestsPerRequest: count ? count.subgraphRequests : null,
    // Under the cell's own load (the median of the rounds): identical calls in flight merge, so the hub's moves with timing.
    subgraphCallsPerRequestUnderLoad: spreadOf(runs.map((r) => r.callsPerRequest)).median,
    requests: merged.requests,
    failures: merged.failures,
    cpuMsPerRequest: cpuByProcess(runs),
  };
  table.figures[key][which] = entry;
  table.rows.push([name, label, entry.requestsPerSecond.toFixed(1), plusMinus(rps), cpu.median.toFixed(2), plusMinus(cpu), entry.latencyMs.p50.toFixed(1), entry.latencyMs.p95.toFixed(1), entry.peakRssMb.toFixed(0), String(entry.sqlPerRequest ?? '-'), String(entry.subgraphRequestsPerRequest ?? '-'), entry.subgraphCallsPerRequestUnderLoad.toFixed(2), String(entry.failures)]);
}

/** The table, its columns aligned. */
export function printTable(rows: string[][]): void {
  const header = ['workload', 'gateway', 'req/s', '±', 'CPU ms/req', '±', 'p50 ms', 'p95 ms', 'peak MB', 'SQL/req', 'subgraph req/req', 'under load', 'failures'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
