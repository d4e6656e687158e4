// One gateway of the benchmark in its own process, so that its memory is its
// own: `hub` (the hub's gateway as deployed: authentication, limits, identity
// forwarding; response caching off), `hub-cached` (the same with response
// caching on), `hub-usage` (the hub recording field usage, for
// bench/usage-cost.ts) or `bare` (ApolloGateway + ApolloServer, no plugins).
// Started by bench/run.ts with fork(); settings come in BENCH_GATEWAY (JSON).
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { startGateway } from '../gateway/gateway';
import { createIdentitySigner, IDENTITY_HEADER } from '../platform/identity';
import { ANONYMOUS } from '../platform/viewer';
import { disableApolloTelemetry } from '../gateway/apollo-telemetry';

export type GatewayKind = 'hub' | 'hub-cached' | 'hub-usage' | 'bare';

export interface GatewaySettings {
  kind: GatewayKind;
  supergraphSdl: string;
  subgraphUrls: Record<string, string>;
  tokenPublicKey: string;
  issuer: string;
  audience: string;
  identityPrivateKey: string;
  /** hub-usage: the usage store's folder (no Redis: the embedded store). */
  usageDir?: string;
  /** Last-known figures' STALE_IF_ERROR_MAX_AGE (default: the gateway's, on); 0 off. */
  staleIfErrorMaxAge?: number;
  /** Redis for this gateway (default REDIS_URL), under `redisPrefix`. */
  redisUrl?: string;
  redisPrefix?: string;
}

interface BareContext {
  identityToken(): Promise<string>;
}

/**
 * The least a gateway must do to be let in: the subgraphs answer only requests
 * carrying the gateway's signed identity (x-hub-identity), so the bare gateway
 * signs one (anonymous) per request. Nothing else: no authentication, no limits.
 */
class SigningDataSource extends RemoteGraphQLDataSource<BareContext> {
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<BareContext>): Promise<void> {
    if (!('identityToken' in context)) return;
    request.http!.headers.set(IDENTITY_HEADER, await context.identityToken());
  }
}

async function startBare(settings: GatewaySettings): Promise<{ port: number; stop(): Promise<void> }> {
  disableApolloTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl: settings.supergraphSdl,
    buildService: ({ name }) => new SigningDataSource({ url: settings.subgraphUrls[name] }),
  });
  const apollo = new ApolloServer<BareContext>({ gateway });
  await apollo.start();
  const sign = await createIdentitySigner(settings.identityPrivateKey);
  let n = 0;
  // Plain Express with Apollo's integration: none of the hub's logging, metrics or limits.
  const app = express();
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async () => {
        const requestId = `bare-${++n}`;
        return { identityToken: () => sign({ viewer: ANONYMOUS, requestId }) };
      },
    }),
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
    : await startGateway({
        port: 0,
        supergraphSdl: settings.supergraphSdl,
        subgraphUrls: settings.subgraphUrls,
        auth: { publicKey: settings.tokenPublicKey, algorithm: 'EdDSA', issuer: settings.issuer, audience: settings.audience },
        identityPrivateKey: settings.identityPrivateKey,
        responseCache: settings.kind === 'hub-cached',
        redisUrl: settings.redisUrl ?? (process.env.REDIS_URL || undefined),
        redisPrefix: settings.redisPrefix,
        staleIfErrorMaxAge: settings.staleIfErrorMaxAge,
        usage: settings.kind === 'hub-usage',
        usageDir: settings.usageDir,
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
