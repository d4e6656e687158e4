// HAProxy's configuration for a cluster layout, from haproxy.cfg.template
// beside this file: {{name}} placeholders filled in, the "each subgraph" block
// repeated per agency. Every server is checked on its admin port (/ready).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClusterLayout, ReplicaPorts } from './layout';

export const HAPROXY_TEMPLATE = path.join(__dirname, 'haproxy.cfg.template');
/** How often HAProxy asks each replica's /ready; a replica is out after 2 failed checks. */
export const CHECK_INTERVAL_MS = 500;
/** How long a stopping replica keeps serving after /ready turned 503: more than 2 checks (SHUTDOWN_DELAY_MS). */
export const CLUSTER_SHUTDOWN_DELAY_MS = 4 * CHECK_INTERVAL_MS;

function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    if (!(key in values)) throw new Error(`haproxy template: no value for ${whole}`);
    return String(values[key]);
  });
}

const servers = (host: string, replicas: ReplicaPorts[]): string =>
  replicas.map((r) => `    server ${r.id} ${host}:${r.port} check port ${r.adminPort}`).join('\n');

/**
 * Servers a backend lists: each replica by its address (one machine), or,
 * under docker-compose, `count` slots filled from the service's name through
 * Docker's DNS (a replica that comes or goes is found again).
 */
export type ServerList = (service: string, replicas: ReplicaPorts[]) => string;

export function haproxyConfig(layout: ClusterLayout, template = readFileSync(HAPROXY_TEMPLATE, 'utf8'), list: ServerList = (_service, replicas) => servers(layout.host, replicas), resolvers = ''): string {
  const match = /^# each subgraph:\n([\s\S]*?)^# end each subgraph\n?/m.exec(template);
  if (!match) throw new Error('haproxy template: no "# each subgraph:" ... "# end each subgraph" block');
  const perSubgraph = layout.subgraphs.map((s) => fill(match[1], { name: s.name, host: layout.host, port: s.port, servers: list(s.name, s.replicas) })).join('\n');
  const common = { host: layout.host, gatewayPort: layout.gatewayPort, statsPort: layout.statsPort, checkIntervalMs: CHECK_INTERVAL_MS, gatewayServers: list('gateway', layout.gateways), resolvers };
  return fill(template.replace(match[0], '@@SUBGRAPHS@@'), common).replace('@@SUBGRAPHS@@', perSubgraph);
}

/**
 * docker-compose's HAProxy (docker/haproxy.cfg, `npm run compose:haproxy`):
 * the same template; each service's replicas found by name through Docker's
 * DNS (127.0.0.11), on its own port and admin port (the public one + 100).
 */
export function composeHaproxyConfig(services: { gateway: { port: number; replicas: number }; subgraphs: { name: string; prefix: string; port: number; replicas: number }[] }): string {
  const slots = (count: number, port: number): ReplicaPorts[] => Array.from({ length: count }, (_, i) => ({ id: String(i + 1), port, adminPort: port + 100 }));
  const layout: ClusterLayout = {
    host: '*',
    gatewayPort: services.gateway.port,
    statsPort: 8404,
    gateways: slots(services.gateway.replicas, services.gateway.port),
    subgraphs: services.subgraphs.map((s) => ({ name: s.name, prefix: s.prefix, port: s.port, replicas: slots(s.replicas, s.port) })),
  };
  const list: ServerList = (service, replicas) =>
    `    server-template ${service}- ${replicas.length} ${service}:${replicas[0].port} check port ${replicas[0].adminPort} resolvers docker init-addr none`;
  return haproxyConfig(layout, undefined, list, 'resolvers docker\n    nameserver dns 127.0.0.11:53\n    hold valid 1s\n');
}
