// One gateway of the benchmark in its own process, so that its memory is its
// own: `hub` (the hub's gateway as deployed: authentication, limits, identity
// forwarding; response caching off), `hub-cached` (the same with response
// caching on), `hub-usage` (the hub recording field usage, for
// bench/usage-cost.ts) or `bare` (ApolloGateway + ApolloServer, no plugins).
// Started by bench/run.ts with fork(); settings come in BENCH_GATEWAY (JSON).
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { createIdentitySigner, IDENTITY_HEADER } from '../platform/access/identity';
import { ANONYMOUS } from '../platform/core/viewer';
import { disableApolloTelemetry } from '../gateway/apollo-telemetry';

export type GatewayKind = 'hub' | 'hub-cached' | 'hub-usage' | 'bare';

export interface GatewaySettings {
  kind: GatewayKind;
  supergraphSdl: string;
  subgraphUrls: Record<string, string>;
  tokenPublicKey: string;
  issuer: string;
  audience: string;
  identitySecret: string;
  /** The hub's GATEWAY_MAX_IN_FLIGHT (default: unbounded). */
  maxInFlight?: number;
  /** hub-usage: the usage store's folder (no Redis: the embedded store). */
  usageDir?: string;
  /** Last-known figures' STALE_IF_ERROR_MAX_AGE (default: the gateway's, on); 0 off. */
  staleIfErrorMaxAge?: number;
  /** Redis for this gateway (default REDIS_URL), under `redisPrefix`. */
  redisUrl?: string;
  redisPrefix?: string;
}

/**
 * The least a gateway must do to be let in: the subgraphs answer only requests
 * carrying the gateway's identity (x-hub-identity) for that subgraph and that
 * body, so the bare gateway's fetch signs one (anonymous) per call. Nothing
 * else: no authentication, no limits.
 */
function signingDataSource(DataSource: typeof RemoteGraphQLDataSource, subgraph: string, url: string, sign: ReturnType<typeof createIdentitySigner>): RemoteGraphQLDataSource {
  let n = 0;
  return new DataSource({
    url,
    fetcher: (input, init) => {
      const identity = sign({ viewer: ANONYMOUS, requestId: `bare-${++n}` }, { audience: subgraph, body: String(init?.body ?? ''), lifetimeMs: 15_000 });
      return fetch(input as string, { ...init, headers: { ...(init?.headers as Record<string, string>), [IDENTITY_HEADER]: identity } } as RequestInit) as never;
    },
  });
}

async function startBare(settings: GatewaySettings): Promise<{ port: number; stop(): Promise<void> }> {
  disableApolloTelemetry();
  // Loaded here, not at the top: the hub's process loads @apollo/gateway through gateway/gateway.ts (gateway/federation-exports.ts first).
  const { ApolloGateway, RemoteGraphQLDataSource } = await import('@apollo/gateway');
  const sign = createIdentitySigner(settings.identitySecret);
  const gateway = new ApolloGateway({
    supergraphSdl: settings.supergraphSdl,
    buildService: ({ name }) => signingDataSource(RemoteGraphQLDataSource, name, settings.subgraphUrls[name], sign),
  });
  const apollo = new ApolloServer({ gateway });
  await apollo.start();
  // Plain Express with Apollo's integration: none of the hub's logging, metrics or limits.
  const app = express();
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo),
  );
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await apollo.stop();
    },
  };
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.BENCH_GATEWAY!) as GatewaySettings;
  const running = settings.kind === 'bare'
    ? await startBare(settings)
    : await (await import('../gateway/gateway')).startGateway({
        port: 0,
        supergraphSdl: settings.supergraphSdl,
        subgraphUrls: settings.subgraphUrls,
        auth: { publicKey: settings.tokenPublicKey, algorithm: 'EdDSA', issuer: settings.issuer, audience: settings.audience },
        identitySecret: settings.identitySecret,
        maxInFlight: settings.maxInFlight,
        responseCache: settings.kind === 'hub-cached',
        redisUrl: settings.redisUrl ?? (process.env.REDIS_URL || undefined),
        redisPrefix: settings.redisPrefix,
        staleIfErrorMaxAge: settings.staleIfErrorMaxAge,
        usage: settings.kind === 'hub-usage',
        usageDir: settings.usageDir,
        // GATEWAY_RESULT_SHAPING as the deployed gateway reads it (loaded with the hub only: the bare gateway's Apollo stays as published).
        resultShaping: (await import('../gateway/result-shaping')).resultShapingFromEnv(),
      });
  // Peak resident memory since the last `reset`, sampled every 50 ms.
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'reset') {
      peak = process.memoryUsage().rss;
      process.send!({ type: 'reset' });
    } else if (message.type === 'peak') {
      peak = Math.max(peak, process.memoryUsage().rss);
      process.send!({ type: 'peak', rss: peak });
    } else if (message.type === 'cpu') {
      // This process's CPU time so far (user + system, microseconds): its own cost, whatever else the machine runs.
      const { user, system } = process.cpuUsage();
      process.send!({ type: 'cpu', micros: user + system });
    } else if (message.type === 'stop') {
      clearInterval(sampler);
      await running.stop();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', port: running.port });
}

main().catch((error) => {
  console.error('[bench gateway]', error);
  process.exit(1);
});
