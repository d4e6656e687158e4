// What the benchmark's commands (bench/run.ts and the measurements it hands
// them to) hold of the services they start: the subgraphs, each in its own
// process (bench/subgraph-process.ts), and a gateway in its own
// (bench/gateway-process.ts).
import type { SubgraphStats } from './subgraph-process';

export interface SubgraphSet {
  urls: Record<string, string>;
  /** Each subgraph process's own counters (CPU, SQL statements, GraphQL requests), by subgraph. */
  stats(): Promise<Record<string, SubgraphStats>>;
  statements(): Promise<number>;
  requests(): Promise<number>;
  stop(): Promise<void>;
}

export interface GatewayProcess {
  url: string;
  resetPeak(): Promise<void>;
  peak(): Promise<number>;
  /** The process's CPU time so far, in microseconds. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}
