// `npm run compose:haproxy`: writes docker/haproxy.cfg, docker-compose's
// balancer, from scripts/cluster/haproxy.cfg.template, with as many server
// slots per service as docker-compose.yml gives it replicas (deploy.replicas).
// test/docker-compose.test.ts fails while the file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envPrefix } from '../../platform/core/config';
import { listSubgraphs } from '../../schema/subgraphs';
import { composeHaproxyConfig } from './haproxy-config';

const ROOT = path.join(__dirname, '..', '..');
export const COMPOSE_HAPROXY_CFG = path.join(ROOT, 'docker', 'haproxy.cfg');

export function composeHaproxyText(): string {
  const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'));
  const replicas = (service: string): number => compose.services[service]?.deploy?.replicas ?? 1;
  const config = composeHaproxyConfig({
    gateway: { port: 4000, replicas: replicas('gateway') },
    subgraphs: listSubgraphs().map((s) => ({ name: s.name, prefix: envPrefix(s.name), port: s.defaultPort, replicas: replicas(s.name) })),
  });
  return `# Written by \`npm run compose:haproxy\` from scripts/cluster/haproxy.cfg.template; edit that, not this file.\n${config}`;
}

if (require.main === module) {
  writeFileSync(COMPOSE_HAPROXY_CFG, composeHaproxyText());
  console.log(`wrote ${path.relative(process.cwd(), COMPOSE_HAPROXY_CFG)}`);
}
