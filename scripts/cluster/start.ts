// `npm run start:cluster`: the shape of a real deployment on one machine
// (scripts/cluster/layout.ts): HAProxy in front of GATEWAY_REPLICAS (3)
// gateway replicas, SUBGRAPH_REPLICAS (2) replicas of each subgraph behind it,
// one PostgreSQL database per agency on CLUSTER_POSTGRES_URL and Redis at
// REDIS_URL. Ports from CLUSTER_PORT (4000): the hub's entry there, HAProxy's
// statistics next, then one per agency's frontend, then each replica's port
// and admin port. Ctrl-C stops the replicas (each drains), then HAProxy.
import { intFromEnv, stringFromEnv } from '../../platform/core/config';
import { devIdentitySecret, devKeyPair, isProduction } from '../../platform/access/dev-keys';
import { startCluster } from './cluster';
import { clusterLayout, consecutivePorts, DEFAULT_GATEWAY_REPLICAS, DEFAULT_SUBGRAPH_REPLICAS } from './layout';

async function main(): Promise<void> {
  const identitySecret = stringFromEnv('HUB_IDENTITY_SECRET') ?? (isProduction() ? undefined : devIdentitySecret());
  if (!identitySecret) throw new Error('HUB_IDENTITY_SECRET must be set when NODE_ENV=production (npm run keys writes it into .env)');
  if (!isProduction() && !process.env.AUTH_JWKS_URL && !process.env.AUTH_PUBLIC_KEY) devKeyPair('token');
  const layout = clusterLayout(consecutivePorts(intFromEnv('CLUSTER_PORT', 4000, 1, 65000)), {
    gatewayReplicas: intFromEnv('GATEWAY_REPLICAS', DEFAULT_GATEWAY_REPLICAS, 1, 20),
    subgraphReplicas: intFromEnv('SUBGRAPH_REPLICAS', DEFAULT_SUBGRAPH_REPLICAS, 1, 20),
  });
  const started = Date.now();
  console.log(`Starting the cluster: HAProxy, ${layout.gateways.length} gateways, ${layout.subgraphs[0]?.replicas.length} replicas of ${layout.subgraphs.map((s) => s.name).join(', ')}`);
  const cluster = await startCluster({
    layout,
    env: { ...process.env, SEED_SCALE: process.env.SEED_SCALE ?? 'small' },
    identitySecret,
    postgresUrl: stringFromEnv('CLUSTER_POSTGRES_URL') ?? 'postgres://postgres@127.0.0.1:5432',
    databasePrefix: stringFromEnv('CLUSTER_DATABASE_PREFIX') ?? 'hub_cluster_',
    redisUrl: stringFromEnv('REDIS_URL') ?? 'redis://127.0.0.1:6379',
    redisPrefix: stringFromEnv('REDIS_PREFIX') ?? 'hub-cluster:',
  });
  console.log(`\nThe cluster is ready (${((Date.now() - started) / 1000).toFixed(1)} s):`);
  console.log(`  hub (HAProxy)   ${cluster.url}`);
  console.log(`  HAProxy stats   ${cluster.statsUrl}`);
  for (const g of cluster.gateways) console.log(`  ${g.id.padEnd(15)} ${g.url}  (admin ${g.ports.adminPort})`);
  for (const s of layout.subgraphs) {
    console.log(`  ${s.name.padEnd(15)} http://${layout.host}:${s.port}/graphql (HAProxy) -> ${s.replicas.map((r) => r.port).join(', ')}`);
    console.log(`  ${''.padEnd(15)} databases ${cluster.databases[s.name]}`);
  }
  console.log('\nPress Ctrl-C to stop.');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the cluster...');
    void cluster.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
