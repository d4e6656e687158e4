// The gateway: @apollo/gateway over the committed supergraph (no run-time
// introspection of subgraphs), served on POST /graphql with /health and /ready.
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { intFromEnv, stringFromEnv } from '../platform/config';
import { createErrorFormatter } from '../platform/errors';
import { serveGraphQL } from '../platform/http';
import { createIdentitySigner, identityKeysFromEnv } from '../platform/identity';
import { SUPERGRAPH_PATH } from '../schema/compose';
import { authConfigFromEnv, createAuthenticator, type AuthConfig } from './auth';
import { createContextFactory, type GatewayContext } from './context';
import { HubDataSource } from './data-source';
import { createResponseCaching } from './response-cache';
import { warmQueryPlans } from './warm-plans';
import { limitSettingsFromEnv, requestLimits, type LimitSettings } from './limits';
import { subgraphUrlFromEnv } from './subgraph-urls';

export interface GatewayOptions {
  port?: number;
  supergraphSdl?: string;
  /** Subgraph name -> URL; others from the environment or the supergraph. */
  subgraphUrls?: Record<string, string>;
  bodyLimit?: string;
  /** How callers' tokens are verified (default: from the environment). */
  auth?: AuthConfig;
  /** PEM private key that signs the identity forwarded to subgraphs (default: from the environment). */
  identityPrivateKey?: string;
  /** Request limits (gateway/limits.ts); those not given take their defaults. */
  limits?: Partial<LimitSettings>;
  /** Whole-response caching of cacheable queries (gateway/response-cache.ts; default on, RESPONSE_CACHE). */
  responseCache?: boolean;
  /** Redis for cached responses, persisted queries and the data version; in memory when absent (REDIS_URL). */
  redisUrl?: string;
  /** Start of every Redis key (REDIS_PREFIX, default `hub`). */
  redisPrefix?: string;
}

export function gatewayOptionsFromEnv(): GatewayOptions {
  const identityPrivateKey = identityKeysFromEnv().privateKey;
  if (!identityPrivateKey) throw new Error('HUB_IDENTITY_PRIVATE_KEY must be set with HUB_IDENTITY_PUBLIC_KEY at the gateway');
  return {
    auth: authConfigFromEnv(),
    identityPrivateKey,
    port: intFromEnv('GATEWAY_PORT', 4000, 0, 65535),
    supergraphSdl: readFileSync(stringFromEnv('SUPERGRAPH_PATH') ?? SUPERGRAPH_PATH, 'utf8'),
    bodyLimit: stringFromEnv('GATEWAY_BODY_LIMIT') ?? '1mb',
    limits: limitSettingsFromEnv(),
    responseCache: (stringFromEnv('RESPONSE_CACHE') ?? 'on') !== 'off',
    redisUrl: stringFromEnv('REDIS_URL'),
    redisPrefix: stringFromEnv('REDIS_PREFIX'),
  };
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Subgraph name -> the URL the gateway calls. */
  subgraphUrls: Record<string, string>;
  stop(): Promise<void>;
}

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8');
  const subgraphUrls: Record<string, string> = {};
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      subgraphUrls[name] = options.subgraphUrls?.[name] ?? subgraphUrlFromEnv(name, url ?? '');
      return new HubDataSource({ url: subgraphUrls[name] });
    },
  });
  const context = createContextFactory(
    await createAuthenticator(options.auth ?? authConfigFromEnv()),
    await createIdentitySigner(options.identityPrivateKey ?? identityKeysFromEnv().privateKey!),
  );
  const caching = await createResponseCaching({ enabled: options.responseCache ?? true, redisUrl: options.redisUrl, redisPrefix: options.redisPrefix });
  const limits = requestLimits(options.limits);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    ...limits,
    plugins: [...(limits.plugins ?? []), ...caching.plugins],
    // Automatic persisted queries and cached responses: Redis when set, so replicas share them.
    cache: caching.cache,
    formatError: createErrorFormatter({ logUnexpected: (error) => console.error('[gateway] unexpected error:', error) }),
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  const warmedPlans = await warmQueryPlans(gateway);
  const server = await serveGraphQL(apollo, {
    port: options.port ?? 4000,
    bodyLimit: options.bodyLimit,
    context,
    readiness: async () => ({ ready: true, supergraph: 'loaded', subgraphs: subgraphUrls, warmedPlans }),
  });
  return {
    url: server.url,
    port: server.port,
    subgraphUrls,
    async stop() {
      await server.close();
      await apollo.stop();
      await caching.close();
    },
  };
}
