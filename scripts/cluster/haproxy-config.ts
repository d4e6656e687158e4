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

export function haproxyConfig(layout: ClusterLayout, template = readFileSync(HAPROXY_TEMPLATE, 'utf8')): string {
  const match = /^# each subgraph:\n([\s\S]*?)^# end each subgraph\n?/m.exec(template);
  if (!match) throw new Error('haproxy template: no "# each subgraph:" ... "# end each subgraph" block');
  const perSubgraph = layout.subgraphs.map((s) => fill(match[1], { name: s.name, host: layout.host, port: s.port, servers: servers(layout.host, s.replicas) })).join('\n');
  const common = { host: layout.host, gatewayPort: layout.gatewayPort, statsPort: layout.statsPort, checkIntervalMs: CHECK_INTERVAL_MS, gatewayServers: servers(layout.host, layout.gateways) };
  return fill(template.replace(match[0], '@@SUBGRAPHS@@'), common).replace('@@SUBGRAPHS@@', perSubgraph);
}
