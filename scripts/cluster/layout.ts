// The shape `npm run start:cluster` runs on one machine: HAProxy in front of
// GATEWAY replicas, SUBGRAPH replicas of each agency behind one frontend per
// agency, each replica on its own port with its admin port (/ready, /metrics).
// Ports come from `nextPort` (consecutive from a base, or free ones in tests).
import { envPrefix } from '../../platform/core/config';
import { listSubgraphs } from '../../schema/subgraphs';

export interface ReplicaPorts {
  /** e.g. gateway-1, judicial-2 */
  id: string;
  port: number;
  adminPort: number;
}

export interface ClusterLayout {
  host: string;
  /** The callers' entry: HAProxy's frontend to the gateway replicas. */
  gatewayPort: number;
  /** HAProxy's statistics page (/stats). */
  statsPort: number;
  gateways: ReplicaPorts[];
  subgraphs: { name: string; prefix: string; /** HAProxy's frontend for this agency. */ port: number; replicas: ReplicaPorts[] }[];
}

export const DEFAULT_GATEWAY_REPLICAS = 3;
export const DEFAULT_SUBGRAPH_REPLICAS = 2;

export function clusterLayout(
  nextPort: () => number,
  options: { host?: string; gatewayReplicas?: number; subgraphReplicas?: number; subgraphs?: string[] } = {},
): ClusterLayout {
  const names = options.subgraphs ?? listSubgraphs().map((s) => s.name);
  const replicas = (prefix: string, count: number): ReplicaPorts[] =>
    Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i + 1}`, port: nextPort(), adminPort: nextPort() }));
  const gatewayPort = nextPort();
  const statsPort = nextPort();
  const subgraphs = names.map((name) => ({ name, prefix: envPrefix(name), port: nextPort(), replicas: [] as ReplicaPorts[] }));
  const gateways = replicas('gateway', options.gatewayReplicas ?? DEFAULT_GATEWAY_REPLICAS);
  for (const s of subgraphs) s.replicas = replicas(s.name, options.subgraphReplicas ?? DEFAULT_SUBGRAPH_REPLICAS);
  return { host: options.host ?? '127.0.0.1', gatewayPort, statsPort, gateways, subgraphs };
}

/** Consecutive ports from `base`. */
export function consecutivePorts(base: number): () => number {
  let next = base;
  return () => next++;
}
