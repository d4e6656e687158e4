// The gateway: @apollo/gateway over the committed supergraph (no run-time
// introspection of subgraphs), served on POST /graphql with /health, /ready and
// /metrics. The supergraph file is reloaded when it changes; subgraph calls have
// timeouts, retries and breakers (gateway/data-source.ts).
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { Counter } from 'prom-client';
import { intFromEnv, SHUTDOWN_GRACE_DEFAULT_MS, shutdownGraceFromEnv, stringFromEnv } from '../platform/config';
import { createErrorFormatter } from '../platform/errors';
import { requestRecordPlugin, serveGraphQL, type RunningServer } from '../platform/http';
import { createIdentitySigner, identityKeysFromEnv } from '../platform/identity';
import { createLogger, type Logger } from '../platform/log';
import { createServiceMetrics } from '../platform/metrics';
import { SUPERGRAPH_PATH } from '../schema/compose';
import { authConfigFromEnv, createAuthenticator, type AuthConfig } from './auth';
import { createContextFactory, type GatewayContext } from './context';
import { createSubgraphCallMetrics, HubDataSource, SUBGRAPH_CALL_DEFAULTS, type SubgraphCallSettings } from './data-source';
import { createResponseCaching } from './response-cache';
import { warmQueryPlans } from './warm-plans';
import { limitSettingsFromEnv, requestLimits, type LimitSettings } from './limits';
import { subgraphUrlFromEnv } from './subgraph-urls';
import { inlineSupergraph, supergraphFile } from './supergraph';
import { createStartupGate, startupReadiness, startupWaitForFromEnv, type StartupWaitFor } from './startup-gate';

/** The whole request's time at the gateway; every subgraph call ends within it. */
export const REQUEST_TIMEOUT_DEFAULT_MS = 15_000;
/** How long stopping waits for requests in flight (docker stops a container after 10 s). */

export interface GatewayOptions {
  port?: number;
  /** A fixed supergraph; otherwise `supergraphPath` is read (and watched). */
  supergraphSdl?: string;
  /** The supergraph file (default schema/supergraph.graphql). */
  supergraphPath?: string;
  /** Reload the supergraph file when it changes (default false; the gateway process sets it from GATEWAY_SUPERGRAPH_WATCH, on by default). */
  watchSupergraph?: boolean;
  /** Subgraph name -> URL; others from the environment or the supergraph. */
  subgraphUrls?: Record<string, string>;
  bodyLimit?: string;
  /** How callers' tokens are verified (default: from the environment). */
  auth?: AuthConfig;
  /** PEM private key that signs the identity forwarded to subgraphs (default: from the environment). */
  identityPrivateKey?: string;
  /** Request limits (gateway/limits.ts); those not given take their defaults. */
  limits?: Partial<LimitSettings>;
  /** The deadline of a whole request; must exceed the subgraph call timeout. */
  requestTimeoutMs?: number;
  /** Subgraph call timeouts, retries and breakers; those not given take their defaults. */
  subgraphCalls?: Partial<SubgraphCallSettings>;
  shutdownGraceMs?: number;
  logger?: Logger;
  /** Whole-response caching of cacheable queries (gateway/response-cache.ts; default on, RESPONSE_CACHE). */
  responseCache?: boolean;
  /** Redis for cached responses, persisted queries and the data version; in memory when absent (REDIS_URL). */
  redisUrl?: string;
  /** Start of every Redis key (REDIS_PREFIX, default `hub`). */
  redisPrefix?: string;
  /** The subgraphs that must have started before the gateway first reports ready (default all; GATEWAY_STARTUP_WAIT_FOR). */
  startupWaitFor?: StartupWaitFor;
}

export function subgraphCallSettingsFromEnv(): SubgraphCallSettings {
  const d = SUBGRAPH_CALL_DEFAULTS;
  return {
    timeoutMs: intFromEnv('GATEWAY_SUBGRAPH_TIMEOUT_MS', d.timeoutMs, 1),
    retries: intFromEnv('GATEWAY_SUBGRAPH_RETRIES', d.retries, 0, 10),
    retryBackoffMs: intFromEnv('GATEWAY_SUBGRAPH_RETRY_BACKOFF_MS', d.retryBackoffMs, 0),
    breakerErrorPercent: intFromEnv('GATEWAY_BREAKER_ERROR_PERCENT', d.breakerErrorPercent, 0, 100),
    breakerVolume: intFromEnv('GATEWAY_BREAKER_VOLUME', d.breakerVolume, 0),
    breakerWindowMs: intFromEnv('GATEWAY_BREAKER_WINDOW_MS', d.breakerWindowMs, 100),
    breakerResetMs: intFromEnv('GATEWAY_BREAKER_RESET_MS', d.breakerResetMs, 1),
  };
}

export function gatewayOptionsFromEnv(): GatewayOptions {
  const identityPrivateKey = identityKeysFromEnv().privateKey;
  if (!identityPrivateKey) throw new Error('HUB_IDENTITY_PRIVATE_KEY must be set with HUB_IDENTITY_PUBLIC_KEY at the gateway');
  const watch = stringFromEnv('GATEWAY_SUPERGRAPH_WATCH') ?? 'on';
  if (watch !== 'on' && watch !== 'off') throw new Error(`GATEWAY_SUPERGRAPH_WATCH must be on or off, not "${watch}"`);
  return {
    auth: authConfigFromEnv(),
    identityPrivateKey,
    port: intFromEnv('GATEWAY_PORT', 4000, 0, 65535),
    supergraphPath: stringFromEnv('SUPERGRAPH_PATH') ?? SUPERGRAPH_PATH,
    watchSupergraph: watch === 'on',
    bodyLimit: stringFromEnv('GATEWAY_BODY_LIMIT') ?? '1mb',
    limits: limitSettingsFromEnv(),
    requestTimeoutMs: intFromEnv('GATEWAY_REQUEST_TIMEOUT_MS', REQUEST_TIMEOUT_DEFAULT_MS, 1),
    subgraphCalls: subgraphCallSettingsFromEnv(),
    shutdownGraceMs: shutdownGraceFromEnv(),
    responseCache: (stringFromEnv('RESPONSE_CACHE') ?? 'on') !== 'off',
    redisUrl: stringFromEnv('REDIS_URL'),
    redisPrefix: stringFromEnv('REDIS_PREFIX'),
    startupWaitFor: startupWaitForFromEnv(),
  };
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Drains (at most `graceMs`, default the gateway's shutdownGraceMs), then stops. */
  stop(graceMs?: number): Promise<void>;
}

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger('gateway');
  const metrics = createServiceMetrics('gateway');
  const settings: SubgraphCallSettings = { ...SUBGRAPH_CALL_DEFAULTS, ...options.subgraphCalls };
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_DEFAULT_MS;
  if (settings.timeoutMs >= requestTimeoutMs) {
    throw new Error(`GATEWAY_SUBGRAPH_TIMEOUT_MS (${settings.timeoutMs}) must be shorter than GATEWAY_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  const reloads = new Counter({
    name: 'hub_supergraph_reloads_total',
    help: 'Changes of the supergraph file, by result: updated (now served) or failed (the previous one kept)',
    labelNames: ['result'] as const,
    registers: [metrics.registry],
  });
  const supergraph = options.supergraphSdl
    ? inlineSupergraph(options.supergraphSdl)
    : supergraphFile(options.supergraphPath ?? SUPERGRAPH_PATH, { watch: options.watchSupergraph ?? false, logger, onReload: (result) => reloads.inc({ result }) });

  const dataSources = new Map<string, HubDataSource>();
  const callMetrics = createSubgraphCallMetrics(metrics.registry, () => dataSources.values());
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.hook,
    // Called once per subgraph, and again on a reload only for a subgraph whose URL changed.
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls?.[name] ?? subgraphUrlFromEnv(name, url ?? '');
      const existing = dataSources.get(name);
      if (existing && existing.url === target) return existing;
      existing?.shutdown();
      const source = new HubDataSource({ name, url: target, settings, metrics: callMetrics, logger });
      dataSources.set(name, source);
      return source;
    },
  });
  const context = createContextFactory(
    await createAuthenticator(options.auth ?? authConfigFromEnv()),
    await createIdentitySigner(options.identityPrivateKey ?? identityKeysFromEnv().privateKey!),
    requestTimeoutMs,
  );
  const caching = await createResponseCaching({ enabled: options.responseCache ?? true, redisUrl: options.redisUrl, redisPrefix: options.redisPrefix, logger });
  const limits = requestLimits(options.limits);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    ...limits,
    plugins: [...limits.plugins, requestRecordPlugin(), ...caching.plugins],
    // Automatic persisted queries and cached responses: Redis when set, so replicas share them.
    cache: caching.cache,
    formatError: createErrorFormatter({ logUnexpected: (error) => logger.error({ err: error }, 'unexpected error') }),
    includeStacktraceInErrorResponses: false,
    // Signals are handled by the service process (platform/service-process.ts), which drains HTTP first.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const stopSources = (): void => {
    for (const source of dataSources.values()) source.shutdown();
  };
  const warmedPlans = await warmQueryPlans(gateway, logger);
  const startupGate = createStartupGate(() => dataSources.values(), options.startupWaitFor);
  let server: RunningServer;
  try {
    server = await serveGraphQL(apollo, {
      port: options.port ?? 4000,
      bodyLimit: options.bodyLimit,
      context,
      logger,
      metrics,
      shutdownGraceMs: options.shutdownGraceMs ?? SHUTDOWN_GRACE_DEFAULT_MS,
      // Ready once the supergraph is loaded (it is, by now) and every subgraph
      // has started (gateway/startup-gate.ts). After that, a subgraph that is
      // down does not make the gateway unready: it still answers the rest.
      readiness: async () => ({
        ...startupReadiness(await startupGate.check()),
        supergraph: supergraph.state(),
        warmedPlans,
        subgraphs: Object.fromEntries(
          [...dataSources.values()].map((source) => [
            source.name,
            {
              breaker: source.breakerState(),
              lastCall: source.lastCall ? { ...source.lastCall, at: new Date(source.lastCall.at).toISOString() } : null,
            },
          ]),
        ),
      }),
    });
  } catch (error) {
    await apollo.stop();
    stopSources();
    await caching.close();
    throw error;
  }
  const running = server;
  return {
    url: running.url,
    port: running.port,
    async stop(graceMs) {
      await running.close(graceMs);
      await apollo.stop();
      stopSources();
      await caching.close();
    },
  };
}
