// The subgraph bootstrap shared by all four agencies: database (PostgreSQL or
// PGlite), migrations, seed, `buildSubgraphSchema` from the agency's
// schema.graphql and resolvers, per-request loaders, and HTTP.
import path from 'node:path';
import type { Request } from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import { sql, type Kysely } from 'kysely';
import { createReadAudit } from '../data/audit';
import { envPrefix, intFromEnv, pgliteRootFromEnv, seedScaleFromEnv, SHUTDOWN_GRACE_DEFAULT_MS, shutdownGraceFromEnv, stringFromEnv } from '../core/config';
import type { DatabaseHandle } from '../data/database';
import { abandonable, abandonedError, abandonment } from './abandoned-work';
import { SUBGRAPH_MAX_IN_FLIGHT_DEFAULT } from './admission';
import { hubTlsFromEnv, type HubTls } from './tls';
import { markBatched, subgraphCacheHints } from './cache-hints';
import { committedWritesPlugin, recordCommittedWrite } from './committed-writes';
import { createErrorFormatter, unauthenticated } from '../core/errors';
import { defaultAdminPort, rawBodyOf, requestRecordPlugin, serveGraphQL, type Readiness, type RunningServer } from './http';
import { createLogger, type Logger, type Progress } from '../core/log';
import { createServiceMetrics, registerDatabaseMetrics } from './metrics';
import { operatorResolvers, subgraphSdl } from './operator';
import { DateScalar } from '../core/scalars';
import { requireWellFormedStrings } from '../core/validation';
import { loadSubgraphTypeDefs, subgraphTypeDefs } from './shared-sdl';
import { subgraphMigrations } from '../data/migrations';
import { prepareSubgraphDatabase } from './subgraph-database';
import type { SubgraphContext, SubgraphDefinition } from './subgraph-definition';
import { createIdentityVerifier, IdentityError, IDENTITY_HEADER, subgraphIdentityKeyFromEnv } from '../access/identity';
import { replayMemoryFor, type ReplayMemory } from '../access/replay-memory';
import { within } from '../core/within';

// The shape of an agency's subgraph and of each request's context (platform/server/subgraph-definition.ts).
export type { SubgraphContext, SubgraphDefinition } from './subgraph-definition';

// Where they were first defined; platform/data/migrations.ts holds them so that the seed worker need not load Apollo.
export { platformMigrations, subgraphMigrations } from '../data/migrations';

/** The subgraph's schema.graphql with the shared definitions it uses (platform/server/shared.graphql). */
export function loadTypeDefs(directory: string): DocumentNode {
  return loadSubgraphTypeDefs(directory);
}

export interface StartOptions {
  port?: number;
  /** GET /ready and /metrics (platform/server/http.ts; default: port + 100). */
  adminPort?: number;
  /** Mutual TLS on the public port (platform/server/tls.ts; default: HUB_TLS_CA / HUB_TLS_CERT / HUB_TLS_KEY). */
  tls?: HubTls;
  /** Most requests worked on at once; beyond, 503 OVERLOADED (platform/server/admission.ts; SUBGRAPH_MAX_IN_FLIGHT, 64 from the environment; here unbounded unless given). */
  maxInFlight?: number;
  /** PostgreSQL URL; PGlite when absent. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; in memory when absent. */
  pgliteDataDir?: string;
  seedScale?: number;
  progress?: Progress;
  /** This subgraph's identity key (platform/access/identity.ts; default: <PREFIX>_IDENTITY_KEY, else derived from HUB_IDENTITY_SECRET or the development secret). */
  identityKey?: string;
  /** Redis where the replicas of this subgraph share the identities they accepted (platform/access/replay-memory.ts; default: `<PREFIX>_REDIS_URL`, else REDIS_URL); this process's memory when absent. */
  replayRedisUrl?: string;
  /** Start of its Redis keys (REDIS_PREFIX, default `hub`). */
  redisPrefix?: string;
  /** How long stopping waits for requests in flight (default 8 s). */
  shutdownGraceMs?: number;
  /** How long GET /ready waits for the database before answering "unreachable" (default 2 s). */
  readyTimeoutMs?: number;
  /** Default: a pino logger named after the subgraph, at LOG_LEVEL. */
  logger?: Logger;
}

export const READY_TIMEOUT_DEFAULT_MS = 2_000;

/** Start options from the environment: `<PREFIX>_PORT`, `<PREFIX>_DATABASE_URL`, `<PREFIX>_REDIS_URL` (else `REDIS_URL`), `REDIS_PREFIX`, `PGLITE_DATA_DIR`, `SEED_SCALE`, `SHUTDOWN_GRACE_MS`, `READY_TIMEOUT_MS`. */
export function startOptionsFromEnv(definition: { name: string; defaultPort: number }): StartOptions {
  const prefix = envPrefix(definition.name);
  const pgliteRoot = pgliteRootFromEnv();
  const port = intFromEnv(`${prefix}_PORT`, definition.defaultPort, 0, 65535);
  return {
    port,
    adminPort: intFromEnv(`${prefix}_ADMIN_PORT`, defaultAdminPort(port), 0, 65535),
    maxInFlight: intFromEnv('SUBGRAPH_MAX_IN_FLIGHT', SUBGRAPH_MAX_IN_FLIGHT_DEFAULT, 0),
    tls: hubTlsFromEnv(),
    databaseUrl: stringFromEnv(`${prefix}_DATABASE_URL`),
    pgliteDataDir: pgliteRoot ? path.join(pgliteRoot, definition.name) : undefined,
    seedScale: seedScaleFromEnv(),
    identityKey: subgraphIdentityKeyFromEnv(definition.name),
    replayRedisUrl: stringFromEnv(`${prefix}_REDIS_URL`) ?? stringFromEnv('REDIS_URL'),
    redisPrefix: stringFromEnv('REDIS_PREFIX'),
    shutdownGraceMs: shutdownGraceFromEnv(),
    readyTimeoutMs: intFromEnv('READY_TIMEOUT_MS', READY_TIMEOUT_DEFAULT_MS, 1),
  };
}

export interface RunningSubgraph<DB> {
  name: string;
  url: string;
  port: number;
  /** Base URL of GET /ready and /metrics. */
  adminUrl: string;
  database: DatabaseHandle<DB>;
  /** GraphQL requests the subgraph has received since it started. */
  graphqlRequests(): number;
  /** Drains (at most `graceMs`, default the subgraph's shutdownGraceMs), stops, closes the database. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * GET /ready of a subgraph: the database answers (within `timeoutMs`) and
 * every migration is recorded as applied in it.
 */
export async function databaseReadiness(database: DatabaseHandle<unknown>, migrationNames: string[], timeoutMs: number): Promise<Readiness> {
  try {
    const { rows } = await within(sql<{ name: string }>`select name from kysely_migration`.execute(database.db), timeoutMs);
    const applied = new Set(rows.map((row) => row.name));
    const pending = migrationNames.filter((name) => !applied.has(name));
    return { ready: pending.length === 0, database: { kind: database.kind, reachable: true, migrations: pending.length ? 'pending' : 'done', ...(pending.length ? { pending } : {}) } };
  } catch (error) {
    // A code (timeout, ECONNREFUSED, a PostgreSQL SQLSTATE), never a URL or a message with one.
    const code = (error as { code?: unknown }).code;
    return { ready: false, database: { kind: database.kind, reachable: false, reason: typeof code === 'string' ? code : 'error' } };
  }
}

type FieldResolver = (root: unknown, args: unknown, ctx: SubgraphContext<unknown, unknown>, info: unknown) => unknown;

/**
 * The definition's resolvers and the operator fields' (platform/server/operator.ts),
 * each mutation field followed by new loaders:
 * whatever the request reads next (the mutation's own result, or a later
 * mutation's) shows the write instead of what the loaders cached before it.
 */
function withFreshLoadersAfterWrites<DB, Loaders>(definition: SubgraphDefinition<DB, Loaders>): object {
  const own = definition.resolvers as Record<string, Record<string, unknown>>;
  const operator = operatorResolvers(definition);
  const resolvers = own.Mutation || operator.Mutation ? { ...own, ...operator, Mutation: { ...own.Mutation, ...operator.Mutation } } : own;
  if (!resolvers.Mutation) return resolvers;
  const mutation = Object.fromEntries(
    Object.entries(resolvers.Mutation).map(([field, resolve]) => [
      field,
      typeof resolve !== 'function'
        ? resolve
        : async (root: unknown, args: unknown, ctx: SubgraphContext<DB, Loaders>, info: unknown) => {
            try {
              // Every string a mutation may store, checked once here (platform/core/validation.ts).
              requireWellFormedStrings(args);
              const result = await (resolve as FieldResolver)(root, args, ctx as SubgraphContext<unknown, unknown>, info);
              // Returned without an error: its transaction committed (platform/server/committed-writes.ts).
              recordCommittedWrite(ctx, { field });
              return result;
            } finally {
              // In place: a resolver holding ctx.loaders sees the new ones too.
              Object.assign(ctx.loaders as object, definition.createLoaders(ctx.db, ctx.viewer));
            }
          },
    ]),
  );
  return { ...resolvers, Mutation: mutation };
}

/** The subgraph's Apollo Server: its schema (schema.graphql, the operator fields, the shared definitions) and plugins. */
function createSubgraphApollo<DB, Loaders>(definition: SubgraphDefinition<DB, Loaders>, logger: Logger): ApolloServer<SubgraphContext<DB, Loaders>> {
  const schema = buildSubgraphSchema({
    typeDefs: subgraphTypeDefs(subgraphSdl(definition), path.join(definition.directory, 'schema.graphql')),
    resolvers: { Date: DateScalar, ...withFreshLoadersAfterWrites(definition) } as GraphQLResolverMap<unknown>,
  });
  return new ApolloServer<SubgraphContext<DB, Loaders>>({
    schema,
    formatError: createErrorFormatter({ logUnexpected: (error) => logger.error({ err: error }, 'unexpected error') }),
    includeStacktraceInErrorResponses: false,
    // A plan stage's fetches to this subgraph come as one request (gateway/fetch-batch.ts): one
    // identity check and one context, so its DataLoaders serve them all.
    allowBatchedHttpRequests: true,
    // Signals are handled by the service process (platform/server/service-process.ts), which drains HTTP first.
    stopOnTerminationSignals: false,
    // Federated traces are for Apollo's hosted usage reporting, which the hub does not use.
    // Cache hints: public data cacheable, case records and personal data not (platform/server/cache-hints.ts).
    plugins: [ApolloServerPluginInlineTraceDisabled(), requestRecordPlugin(), committedWritesPlugin(), ...subgraphCacheHints()],
  });
}

/**
 * Each request's context: only requests that passed the gateway are answered
 * (health checks aside); its verified caller, its database (abandoned with
 * the gateway's call), loaders and read audit, shared by a batch's operations.
 */
function subgraphContext<DB, Loaders>(
  definition: SubgraphDefinition<DB, Loaders>,
  db: Kysely<DB>,
  verifyIdentity: ReturnType<typeof createIdentityVerifier>,
): (req: Request) => Promise<SubgraphContext<DB, Loaders>> {
  return async (req) => {
    let identity;
    try {
      identity = await verifyIdentity(req.header(IDENTITY_HEADER), rawBodyOf(req));
    } catch (error) {
      if (error instanceof IdentityError) throw unauthenticated(error.message, error.reason);
      throw error;
    }
    const { viewer, requestId } = identity;
    // Work the gateway abandoned is not started, and stops at its next SQL statement (platform/server/abandoned-work.ts).
    const signal = abandonment(req.res, identity.expiresAt);
    if (signal.aborted) throw abandonedError();
    const requestDb = abandonable(db, signal);
    const contextValue = { db: requestDb, viewer, requestId, loaders: definition.createLoaders(requestDb, viewer), audit: createReadAudit(requestDb, viewer, requestId) };
    return markBatched(contextValue, req.body);
  };
}

/** Serves the started Apollo Server: ports, readiness (the database and its migrations), metrics, the context. */
async function serveSubgraph<DB, Loaders>(
  definition: SubgraphDefinition<DB, Loaders>,
  apollo: ApolloServer<SubgraphContext<DB, Loaders>>,
  database: DatabaseHandle<DB>,
  migrationNames: string[],
  options: StartOptions & { logger: Logger; replay: ReplayMemory },
): Promise<RunningServer> {
  const verifyIdentity = createIdentityVerifier({ audience: definition.name, key: options.identityKey ?? subgraphIdentityKeyFromEnv(definition.name), replay: options.replay });
  const metrics = createServiceMetrics(definition.name);
  registerDatabaseMetrics(metrics.registry, database);
  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_DEFAULT_MS;
  return serveGraphQL(apollo, {
    logger: options.logger,
    metrics,
    shutdownGraceMs: options.shutdownGraceMs ?? SHUTDOWN_GRACE_DEFAULT_MS,
    readiness: () => databaseReadiness(database as DatabaseHandle<unknown>, migrationNames, readyTimeoutMs),
    port: options.port ?? definition.defaultPort,
    adminPort: options.adminPort,
    maxInFlight: options.maxInFlight,
    tls: options.tls,
    context: subgraphContext(definition, database.db, verifyIdentity),
  });
}

export async function startSubgraph<DB, Loaders>(
  definition: SubgraphDefinition<DB, Loaders>,
  options: StartOptions = {},
): Promise<RunningSubgraph<DB>> {
  const logger = options.logger ?? createLogger(definition.name);
  const migrations = subgraphMigrations(definition);
  const database = await prepareSubgraphDatabase<DB>(
    definition,
    migrations,
    { ...options, onPoolError: (error) => logger.error({ reason: error.message }, 'database pool error') },
    options.progress ?? (() => undefined),
  );
  // The jtis of accepted identities: in Redis, shared by the replicas, when it has one (platform/access/replay-memory.ts).
  const replay = replayMemoryFor({ redisUrl: options.replayRedisUrl, redisPrefix: options.redisPrefix, logger });
  let apollo: ApolloServer<SubgraphContext<DB, Loaders>> | undefined;
  let server: RunningServer;
  try {
    apollo = createSubgraphApollo(definition, logger);
    await apollo.start();
    server = await serveSubgraph(definition, apollo, database, Object.keys(migrations), { ...options, logger, replay });
  } catch (error) {
    await apollo?.stop();
    await replay.close();
    await database.close();
    throw error;
  }
  const runningApollo = apollo;
  return {
    name: definition.name,
    url: server.url,
    port: server.port,
    adminUrl: server.adminUrl,
    database,
    graphqlRequests: server.graphqlRequests,
    async stop(graceMs) {
      await server.close(graceMs);
      await runningApollo.stop();
      await replay.close();
      await database.close();
    },
  };
}
