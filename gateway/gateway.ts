// The gateway: @apollo/gateway over the committed supergraph (no run-time
// introspection of subgraphs), served on POST /graphql with /health, /ready and
// /metrics. The supergraph file is reloaded when it changes; subgraph calls have
// timeouts, retries and breakers (gateway/data-source.ts).
// First of all: @apollo/gateway must load the plain copy of federation-internals' exports.
import './federation-exports';
import { hkdfSync } from 'node:crypto';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Express } from 'express';
import { Counter, type Registry } from 'prom-client';
import { intFromEnv, SHUTDOWN_GRACE_DEFAULT_MS, shutdownGraceFromEnv, stringFromEnv } from '../platform/core/config';
import { GATEWAY_MAX_IN_FLIGHT_DEFAULT } from '../platform/server/admission';
import { hubTlsFromEnv, type HubTls } from '../platform/server/tls';
import { createErrorFormatter } from '../platform/core/errors';
import { defaultAdminPort, requestRecordPlugin, serveGraphQL, type RunningServer } from '../platform/server/http';
import { createIdentitySigner, identitySecretFromEnv } from '../platform/access/identity';
import { createLogger, type Logger } from '../platform/core/log';
import { createServiceMetrics } from '../platform/server/metrics';
import { SUPERGRAPH_PATH } from '../schema/registry';
import { authConfigFromEnv, createAuthenticator, type AuthConfig } from './auth';
import { createContextFactory, type GatewayContext } from './context';
import { corsOriginsFromEnv, crossOriginRoutes } from './cors';
import { SUBGRAPH_CALL_DEFAULTS, type SubgraphCallSettings } from './data-source';
import { explorerRoutes, type ExplorerOptions } from './explorer';
import { createLastKnownFigures, type LastKnownFigures, lastKnownMaxEntriesFromEnv, lastKnownPlugin, lastKnownRefreshFromEnv, STALE_IF_ERROR_MAX_AGE_DEFAULT, staleIfErrorMaxAgeFromEnv } from './last-known';
import { PROBE_DEFAULTS, probeSettingsFromEnv, type ProbeSettings } from './subgraph-health';
import { operationSubgraphs, supergraphVersions } from './cache-scope';
import { createResponseCaching, type ResponseCaching } from './response-cache';
import { warmQueryPlans } from './warm-plans';
import { defaultIntrospection, limitSettingsFromEnv, requestLimits, type LimitSettings } from './limits';
import { createSubgraphSources } from './subgraph-sources';
import { inlineSupergraph, supergraphFile, type SupergraphSource } from './supergraph';
import { createSupergraphGuard } from './supergraph-guard';
import { createPersistedOperations, safelistFromEnv, withSafelist, type PersistedOperations } from './persisted-operations';
import { createUsageRecorder, type UsageRecorder } from './usage';
import { openUsageStore, usageStoreOptionsFromEnv } from './usage-store';
import { buildManifest } from '../schema/manifest';
import { registeredFiles } from '../schema/registry';
import { createStartupGate, startupReadiness, startupWaitForFromEnv, type StartupWaitFor } from './startup-gate';
import { disableApolloTelemetry } from './apollo-telemetry';
import { resultShapingFromEnv, useResultShaping, type ResultShaping } from './result-shaping';

/** The whole request's time at the gateway; every subgraph call ends within it. */
const REQUEST_TIMEOUT_DEFAULT_MS = 15_000;
/** The key that signs last-known figures (gateway/last-known.ts): derived from the gateway's identity secret, which no subgraph holds. */
const lastKnownSecretOf = (identitySecret: string): Buffer => Buffer.from(hkdfSync('sha256', identitySecret, '', 'rule-of-law-hub last-known figures', 32));

export interface GatewayOptions {
  port?: number;
  /** GET /ready and /metrics (platform/server/http.ts; default: port + 100; GATEWAY_ADMIN_PORT). */
  adminPort?: number;
  /** A fixed supergraph; otherwise `supergraphPath` is read (and watched). */
  supergraphSdl?: string;
  /** The supergraph file (default schema/supergraph.graphql). */
  supergraphPath?: string;
  /** Reload the supergraph file when it changes (default false; the gateway process sets it from GATEWAY_SUPERGRAPH_WATCH, on by default). */
  watchSupergraph?: boolean;
  /** Subgraph name -> URL; others from the environment or the supergraph. */
  subgraphUrls?: Record<string, string>;
  bodyLimit?: string;
  /** Call subgraphs over mutual TLS with this certificate (platform/server/tls.ts; HUB_TLS_CA / HUB_TLS_CERT / HUB_TLS_KEY). */
  subgraphTls?: HubTls;
  /** Most requests worked on at once; beyond, 503 OVERLOADED with Retry-After (platform/server/admission.ts; GATEWAY_MAX_IN_FLIGHT, 16 in the gateway process; here unbounded unless given). */
  maxInFlight?: number;
  /** How callers' tokens are verified (default: from the environment). */
  auth?: AuthConfig;
  /** The secret each subgraph's identity key is derived from (HUB_IDENTITY_SECRET; platform/access/identity.ts). */
  identitySecret?: string;
  /** Request limits (gateway/limits.ts); those not given take their defaults. */
  limits?: Partial<LimitSettings>;
  /** The deadline of a whole request; must exceed the subgraph call timeout. */
  requestTimeoutMs?: number;
  /** Subgraph call timeouts, retries and breakers; those not given take their defaults. */
  subgraphCalls?: Partial<SubgraphCallSettings>;
  /** Probes of a subgraph found down (GATEWAY_PROBE_INTERVAL_MS, GATEWAY_PROBE_TIMEOUT_MS): gateway/subgraph-health.ts. */
  subgraphProbe?: Partial<ProbeSettings>;
  /** Oldest last-known figures served, in seconds (STALE_IF_ERROR_MAX_AGE, default 24 h; 0 off): gateway/last-known.ts. */
  staleIfErrorMaxAge?: number;
  /** Last-known answers kept in memory when there is no Redis (LAST_KNOWN_MAX_ENTRIES). */
  lastKnownMaxEntries?: number;
  /** A fetch's last-known answer is written at most this often, in seconds (LAST_KNOWN_REFRESH_SECONDS). */
  lastKnownRefreshSeconds?: number;
  /** Signs last-known figures (default: derived from the identity secret). */
  lastKnownSecret?: Buffer;
  shutdownGraceMs?: number;
  logger?: Logger;
  /** Whole-response caching of cacheable queries (gateway/response-cache.ts; default on, RESPONSE_CACHE). */
  responseCache?: boolean;
  /** Redis for cached responses, persisted queries and the data version; in memory when absent (REDIS_URL). */
  redisUrl?: string;
  /** Start of every Redis key (REDIS_PREFIX, default `hub`). */
  redisPrefix?: string;
  /** Refuse a reloaded supergraph that breaks a registered operation or the contract (default true; GATEWAY_SUPERGRAPH_GUARD). */
  guardSupergraph?: boolean;
  /** Record field usage (gateway/usage.ts; default false here, on in the gateway process: GATEWAY_USAGE). */
  usage?: boolean;
  /** The usage store's folder when there is no Redis (USAGE_DIR, default .data/usage). */
  usageDir?: string;
  /** How often recorded usage is written (USAGE_FLUSH_MS). */
  usageFlushMs?: number;
  /** Days of usage kept (USAGE_RETENTION_DAYS). */
  usageRetentionDays?: number;
  /** Clients held to the persisted-operation manifest (GATEWAY_SAFELIST; `*` for all). */
  safelist?: string[];
  /** Where the explorer's build and sources are (gateway/explorer.ts; default web/dist and web/). */
  explorer?: Pick<ExplorerOptions, 'buildDir' | 'webDir'>;
  /** Origins whose browser pages may call /graphql (GATEWAY_CORS_ORIGINS; none by default): gateway/cors.ts. */
  corsOrigins?: string[];
  /** The subgraphs that must have started before the gateway first reports ready (default all; GATEWAY_STARTUP_WAIT_FOR). */
  startupWaitFor?: StartupWaitFor;
  /** A plan stage's fetches to one subgraph as one call (GATEWAY_SUBGRAPH_BATCHING, on by default): gateway/fetch-batch.ts. */
  subgraphBatching?: boolean;
  /** The hub's result shaping or @apollo/gateway's own (GATEWAY_RESULT_SHAPING, default hub): gateway/result-shaping.ts. The process's choice: the last gateway started sets it. */
  resultShaping?: ResultShaping;
}

const onOff = (name: string, fallback: 'on' | 'off'): boolean => {
  const value = stringFromEnv(name) ?? fallback;
  if (value !== 'on' && value !== 'off') throw new Error(`${name} must be on or off, not "${value}"`);
  return value === 'on';
};

const USAGE_FLUSH_DEFAULT_MS = 5_000;

function subgraphCallSettingsFromEnv(): SubgraphCallSettings {
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
  const port = intFromEnv('GATEWAY_PORT', 4000, 0, 65535);
  return {
    auth: authConfigFromEnv(),
    identitySecret: identitySecretFromEnv(),
    port,
    adminPort: intFromEnv('GATEWAY_ADMIN_PORT', defaultAdminPort(port), 0, 65535),
    supergraphPath: stringFromEnv('SUPERGRAPH_PATH') ?? SUPERGRAPH_PATH,
    watchSupergraph: onOff('GATEWAY_SUPERGRAPH_WATCH', 'on'),
    guardSupergraph: onOff('GATEWAY_SUPERGRAPH_GUARD', 'on'),
    bodyLimit: stringFromEnv('GATEWAY_BODY_LIMIT') ?? '1mb',
    maxInFlight: intFromEnv('GATEWAY_MAX_IN_FLIGHT', GATEWAY_MAX_IN_FLIGHT_DEFAULT, 0),
    subgraphTls: hubTlsFromEnv(),
    limits: limitSettingsFromEnv(),
    requestTimeoutMs: intFromEnv('GATEWAY_REQUEST_TIMEOUT_MS', REQUEST_TIMEOUT_DEFAULT_MS, 1),
    subgraphCalls: subgraphCallSettingsFromEnv(),
    subgraphProbe: probeSettingsFromEnv(),
    staleIfErrorMaxAge: staleIfErrorMaxAgeFromEnv(),
    lastKnownMaxEntries: lastKnownMaxEntriesFromEnv(),
    lastKnownRefreshSeconds: lastKnownRefreshFromEnv(),
    shutdownGraceMs: shutdownGraceFromEnv(),
    responseCache: (stringFromEnv('RESPONSE_CACHE') ?? 'on') !== 'off',
    redisUrl: stringFromEnv('REDIS_URL'),
    redisPrefix: stringFromEnv('REDIS_PREFIX'),
    usage: onOff('GATEWAY_USAGE', 'on'),
    usageDir: usageStoreOptionsFromEnv().directory,
    usageFlushMs: intFromEnv('USAGE_FLUSH_MS', USAGE_FLUSH_DEFAULT_MS, 100),
    usageRetentionDays: usageStoreOptionsFromEnv().retentionDays,
    safelist: safelistFromEnv(),
    corsOrigins: corsOriginsFromEnv(),
    startupWaitFor: startupWaitForFromEnv(),
    subgraphBatching: onOff('GATEWAY_SUBGRAPH_BATCHING', 'on'),
    resultShaping: resultShapingFromEnv(),
  };
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Base URL of GET /ready and /metrics. */
  adminUrl: string;
  /** Drains (at most `graceMs`, default the gateway's shutdownGraceMs), then stops. */
  stop(graceMs?: number): Promise<void>;
}

export async function startGateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger('gateway');
  const metrics = createServiceMetrics('gateway');
  const { settings, requestTimeoutMs } = callTimeouts(options);
  const supergraph = openSupergraph(options, logger, metrics.registry);
  const identitySecret = options.identitySecret ?? identitySecretFromEnv();
  const lastKnown = await openLastKnown(options, identitySecret, logger);
  const probe: ProbeSettings = { ...PROBE_DEFAULTS, ...options.subgraphProbe };
  const sources = createSubgraphSources({ urls: options.subgraphUrls, tls: options.subgraphTls, batching: options.subgraphBatching, settings, probe, lastKnown, logger, registry: metrics.registry });
  disableApolloTelemetry();
  const wantedShaping = options.resultShaping ?? 'hub';
  if (useResultShaping(wantedShaping) !== wantedShaping) logger.warn({ resultShaping: 'apollo' }, "@apollo/gateway is not the version the hub's result shaping was written for: its own is used");
  const gateway = new ApolloGateway({ supergraphSdl: supergraph.hook, buildService: sources.buildService });
  const registered = registeredFiles();
  const persisted = createPersistedOperations(buildManifest(registered), registered, options.safelist ?? []);
  const context = await gatewayContext(options, identitySecret, requestTimeoutMs, persisted);
  const caching = await createResponseCaching({
    enabled: options.responseCache ?? true,
    redisUrl: options.redisUrl,
    redisPrefix: options.redisPrefix,
    logger,
    operationSubgraphs: operationSubgraphs(gateway),
    supergraphOf: supergraphVersions(gateway),
  });
  const usage = await openUsage(options, logger);
  const apollo = gatewayApollo(gateway, { limits: requestLimits(options.limits), persisted, caching, usage, logger });
  await apollo.start();
  const closeAll = () => closeInOrder([() => apollo.stop(), () => sources.shutdown(), () => caching.close(), () => usage?.close(), () => lastKnown?.close()]);
  const warmedPlans = await warmQueryPlans(gateway, logger, persisted.bodies);
  const startupGate = createStartupGate(() => sources.values(), options.startupWaitFor);
  // Ready once the supergraph is loaded (it is, by now) and every subgraph
  // has started (gateway/startup-gate.ts). After that, a subgraph that is
  // down does not make the gateway unready: it still answers the rest.
  const readiness = async () => ({
    ...startupReadiness(await startupGate.check()),
    supergraph: supergraph.state(),
    warmedPlans,
    persistedOperations: { count: persisted.size, safelist: options.safelist ?? [] },
    subgraphs: sources.states(),
  });
  let server: RunningServer;
  try {
    server = await serveGraphQL(apollo, { ...serveOptions(options, logger), context, logger, metrics, readiness });
  } catch (error) {
    await closeAll();
    throw error;
  }
  const running = server;
  return {
    url: running.url,
    port: running.port,
    adminUrl: running.adminUrl,
    async stop(graceMs) {
      await running.close(graceMs);
      await closeAll();
    },
  };
}

/** The call settings, with the whole request's deadline, which every subgraph call must end within. */
function callTimeouts(options: GatewayOptions): { settings: SubgraphCallSettings; requestTimeoutMs: number } {
  const settings: SubgraphCallSettings = { ...SUBGRAPH_CALL_DEFAULTS, ...options.subgraphCalls };
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_DEFAULT_MS;
  if (settings.timeoutMs >= requestTimeoutMs) {
    throw new Error(`GATEWAY_SUBGRAPH_TIMEOUT_MS (${settings.timeoutMs}) must be shorter than GATEWAY_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  return { settings, requestTimeoutMs };
}

/** Each caller's context: authenticated, with the identity sent to subgraphs and the request's deadline; held to the safelist when there is one. */
async function gatewayContext(options: GatewayOptions, identitySecret: string, requestTimeoutMs: number, persisted: PersistedOperations) {
  const contexts = createContextFactory(await createAuthenticator(options.auth ?? authConfigFromEnv()), createIdentitySigner(identitySecret), requestTimeoutMs);
  return withSafelist(contexts, options.safelist?.length ? persisted : undefined);
}

/** Closes one part after the other (the server's users before what they use). */
async function closeInOrder(parts: (() => unknown)[]): Promise<void> {
  for (const close of parts) await close();
}

/** The supergraph given, or the file (watched when asked, its reloads counted and guarded). */
function openSupergraph(options: GatewayOptions, logger: Logger, registry: Registry): SupergraphSource {
  const reloads = new Counter({
    name: 'hub_supergraph_reloads_total',
    help: 'Changes of the supergraph file, by result: updated (now served) or failed (the previous one kept)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  return options.supergraphSdl
    ? inlineSupergraph(options.supergraphSdl)
    : supergraphFile(options.supergraphPath ?? SUPERGRAPH_PATH, {
        watch: options.watchSupergraph ?? false,
        logger,
        onReload: (result) => reloads.inc({ result }),
        guard: options.guardSupergraph === false ? undefined : createSupergraphGuard(),
      });
}

function openLastKnown(options: GatewayOptions, identitySecret: string, logger: Logger): Promise<LastKnownFigures | undefined> {
  return createLastKnownFigures({
    maxAgeSeconds: options.staleIfErrorMaxAge ?? STALE_IF_ERROR_MAX_AGE_DEFAULT,
    secret: options.lastKnownSecret ?? lastKnownSecretOf(identitySecret),
    redisUrl: options.redisUrl,
    redisPrefix: options.redisPrefix,
    maxEntries: options.lastKnownMaxEntries,
    refreshSeconds: options.lastKnownRefreshSeconds,
    logger,
  });
}

async function openUsage(options: GatewayOptions, logger: Logger): Promise<UsageRecorder | undefined> {
  if (!options.usage) return undefined;
  return createUsageRecorder({
    store: await openUsageStore({ redisUrl: options.redisUrl, redisPrefix: options.redisPrefix, directory: options.usageDir, retentionDays: options.usageRetentionDays }),
    flushMs: options.usageFlushMs ?? USAGE_FLUSH_DEFAULT_MS,
    logger,
  });
}

interface ApolloParts {
  limits: ReturnType<typeof requestLimits>;
  persisted: PersistedOperations;
  caching: ResponseCaching;
  usage?: UsageRecorder;
  logger: Logger;
}

function gatewayApollo(gateway: ApolloGateway, { limits, persisted, caching, usage, logger }: ApolloParts): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    gateway,
    ...limits,
    // The explorer is the hub's own (gateway/explorer.ts); Apollo's landing page would load one from a CDN.
    plugins: [
      persisted.plugin,
      ...limits.plugins,
      requestRecordPlugin(),
      ...caching.plugins,
      lastKnownPlugin(),
      ...(usage ? [usage.plugin] : []),
      ApolloServerPluginLandingPageDisabled(),
    ],
    // Automatic persisted queries and cached responses: Redis when set, so replicas share them.
    cache: caching.cache,
    formatError: createErrorFormatter({ logUnexpected: (error) => logger.error({ err: error }, 'unexpected error') }),
    includeStacktraceInErrorResponses: false,
    // Signals are handled by the service process (platform/server/service-process.ts), which drains HTTP first.
    stopOnTerminationSignals: false,
  });
}

/** How the gateway is served: ports, bounds, and its own routes (cross-origin rules first: they answer preflights before anything else sees them). */
function serveOptions(options: GatewayOptions, logger: Logger) {
  return {
    port: options.port ?? 4000,
    adminPort: options.adminPort,
    maxInFlight: options.maxInFlight,
    bodyLimit: options.bodyLimit,
    shutdownGraceMs: options.shutdownGraceMs ?? SHUTDOWN_GRACE_DEFAULT_MS,
    routes: (app: Express) => {
      crossOriginRoutes(options.corsOrigins ?? [])(app);
      explorerRoutes({ introspection: options.limits?.introspection ?? defaultIntrospection(), auth: options.auth ?? authConfigFromEnv(), logger, ...options.explorer })(app);
    },
  };
}
