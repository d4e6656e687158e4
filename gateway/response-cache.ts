// Response caching at the gateway (issue 8). Whole responses of queries are
// cached by @apollo/server-plugin-response-cache under the policy the gateway
// computes from the subgraphs' Cache-Control headers (platform/server/cache-hints.ts):
// public aggregates carry the subgraphs' default hint; anything that returns
// case records, personal data, audit records or the caller's own identity is
// uncacheable at its source, so it is never cached at all.
//
// Keys. Every key holds the operation, its variables, the supergraph it was
// computed under (gateway/cache-scope.ts: after a reload, or on a replica of a
// rolling update still on another graph, no response of the other graph is
// served) and the current data version; a response with a PRIVATE hint is
// also keyed by the caller (subject, scopes, regions), and public responses of
// anonymous and of authenticated callers are kept apart (the plugin's session
// modes).
//
// Invalidation. Each subgraph (agency) has a data version, a counter in the
// cache store (Redis when REDIS_URL is set, so every replica sees it), and
// there is one for all of them. A cached response is keyed by the versions of
// the subgraphs its operation reads (from its query plan: gateway/cache-scope.ts)
// and the common one. Only a committed write moves a version: a subgraph
// reports the mutations of a request that committed (platform/server/committed-writes.ts),
// and before the mutation's response is sent the gateway increments the
// versions of the subgraphs that reported one (or that a mutation call got no
// answer from: it may have committed). A refused mutation (FORBIDDEN,
// BAD_USER_INPUT, CONFLICT) moves nothing, so no stranger can flush the cache,
// and a write to one agency leaves responses that read only others cached.
// A reader reads the versions when its request starts and stores its result
// under them; so a reader that could have observed a write (it started after
// the write's response) keys with the new version and never meets a response
// cached before it. Where a request's plan cannot be known, its response is
// not cached. Regions are not part of the scope: which regions a cached
// response covers cannot be told from an operation in general (fields by id,
// entity references, lists without a region argument).
// Nothing in the hub moves the common version (`<prefix>:data-version` in
// Redis); without Redis a gateway's in-memory cache learns only of writes
// through itself, and others show once cached entries expire (CACHE_MAX_AGE).
//
// The cache is the gateway's ApolloServer cache, which also holds automatic
// persisted queries: in memory by default, Redis when REDIS_URL is set.
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import KeyvRedis, { createClient, Keyv } from '@keyv/redis';
import type { GraphQLSchema } from 'graphql';
import { DEFAULT_REDIS_PREFIX } from '../platform/core/config';
import type { Logger } from '../platform/core/log';
import type { GatewayContext } from './context';

export { DEFAULT_REDIS_PREFIX };
const versionKey = (prefix: string) => `${prefix}:data-version`;
const agencyVersionKey = (prefix: string, agency: string) => `${prefix}:data-version:${agency}`;
/** The key of the version every cached response depends on. */
const ALL = '*';

export interface ResponseCaching {
  /** The gateway's ApolloServer cache (APQ and responses); undefined: Apollo's own in-memory cache. */
  cache?: KeyValueCache<string>;
  plugins: ApolloServerPlugin<GatewayContext>[];
  close(): Promise<void>;
}

/** A caller's identity as far as what they may see depends on it; null for anonymous callers. */
export function viewerKey(context: GatewayContext): string | null {
  const { subject, agency, scopes, regions } = context.viewer;
  if (subject === null) return null;
  return JSON.stringify([subject, agency, [...scopes].sort(), [...regions].sort()]);
}

export interface ResponseCachingOptions {
  enabled: boolean;
  redisUrl?: string;
  redisPrefix?: string;
  logger: Logger;
  /** The subgraphs a request's operation reads, or null when unknown (gateway/cache-scope.ts); unknown: not cached. */
  operationSubgraphs?: (requestContext: GraphQLRequestContext<GatewayContext>) => Promise<string[] | null>;
  /** The supergraph a request's schema came from (gateway/cache-scope.ts); a response whose supergraph is unknown is not cached. */
  supergraphOf?: (schema: GraphQLSchema | undefined) => string | undefined;
}

export async function createResponseCaching(options: ResponseCachingOptions): Promise<ResponseCaching> {
  const prefix = options.redisPrefix ?? DEFAULT_REDIS_PREFIX;
  const store = options.redisUrl ? await openRedisStore(options.redisUrl, prefix, options.logger) : memoryStore();
  const plugins: ApolloServerPlugin<GatewayContext>[] = [
    // The policy is computed for the response cache only: clients get no
    // Cache-Control header, so no HTTP cache outside the hub keeps a figure
    // that a write has since changed.
    ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
    bumpOnCommittedWrites(store.versions),
  ];
  if (options.enabled) plugins.push(cachedResponses(store, options));
  return { cache: store.cache, plugins, close: store.close };
}

/** The data versions: the common counter's and each subgraph's. */
interface DataVersions {
  /** The versions of the common counter (ALL) and of each subgraph named, by name. */
  read(subgraphs: string[]): Promise<Record<string, string>>;
  bump(subgraphs: string[]): Promise<void>;
}

/** Where cached responses and the data versions are kept. */
interface CacheStore {
  /** Undefined: Apollo's own in-memory cache. */
  cache?: KeyValueCache<string>;
  versions: DataVersions;
  close(): Promise<void>;
}

async function openRedisStore(url: string, prefix: string, logger: Logger): Promise<CacheStore> {
  const client = createClient({ url });
  client.on('error', (error: Error) => logger.error({ reason: error.message }, 'redis error'));
  await client.connect();
  return {
    cache: new KeyvAdapter(new Keyv<string>({ store: new KeyvRedis(client), namespace: prefix })),
    versions: {
      read: async (subgraphs) => {
        const values = await client.mGet([versionKey(prefix), ...subgraphs.map((name) => agencyVersionKey(prefix, name))]);
        return Object.fromEntries([ALL, ...subgraphs].map((name, i) => [name, values[i] ?? '0']));
      },
      bump: async (subgraphs) => {
        const multi = client.multi();
        for (const name of subgraphs) multi.incr(agencyVersionKey(prefix, name));
        await multi.exec();
      },
    },
    close: async () => {
      await client.close();
    },
  };
}

function memoryStore(): CacheStore {
  const versions = new Map<string, number>();
  return {
    versions: {
      read: async (subgraphs) => Object.fromEntries([ALL, ...subgraphs].map((name) => [name, String(versions.get(name) ?? 0)])),
      bump: async (subgraphs) => {
        for (const name of subgraphs) versions.set(name, (versions.get(name) ?? 0) + 1);
      },
    },
    close: async () => undefined,
  };
}

/** Moves the versions of the subgraphs a mutation committed a write in, before its response is sent. */
function bumpOnCommittedWrites(versions: DataVersions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue }) {
          // Committed writes only, and only the subgraphs that made them.
          if (operation?.operation === 'mutation' && contextValue.committedWrites?.size) await versions.bump([...contextValue.committedWrites]);
        },
      };
    },
  };
}

/** Where a response is kept: the supergraph it was computed under and the subgraphs its plan reads. */
interface Scope {
  supergraph: string | null;
  subgraphs: string[];
}

/**
 * Whole responses cached under the supergraph and the data versions of the
 * subgraphs their plan reads; a request whose plan or supergraph is unknown is not cached.
 */
function cachedResponses(store: CacheStore, { operationSubgraphs, supergraphOf }: ResponseCachingOptions): ApolloServerPlugin<GatewayContext> {
  const scopes = new WeakMap<object, Promise<Scope | null>>();
  const scopeOf = (requestContext: GraphQLRequestContext<GatewayContext>): Promise<Scope | null> => {
    let scope = scopes.get(requestContext.contextValue);
    if (!scope) {
      const supergraph = supergraphOf ? (supergraphOf(requestContext.schema) ?? null) : null;
      const unknown = supergraphOf !== undefined && supergraph === null;
      const subgraphs = unknown ? Promise.resolve(null) : operationSubgraphs ? operationSubgraphs(requestContext) : Promise.resolve([]);
      scope = subgraphs.then((list) => (list ? { supergraph, subgraphs: list } : null));
      scopes.set(requestContext.contextValue, scope);
    }
    return scope;
  };
  return responseCachePlugin<GatewayContext>({
    cache: store.cache,
    sessionId: async ({ contextValue }: GraphQLRequestContext<GatewayContext>) => viewerKey(contextValue),
    // The scope of a response (computed once per request, before it runs).
    extraCacheKeyData: async (requestContext) => {
      const scope = await scopeOf(requestContext);
      return { supergraph: scope?.supergraph ?? null, dataVersions: await store.versions.read(scope?.subgraphs ?? []) };
    },
    shouldReadFromCache: async (requestContext) => (await scopeOf(requestContext)) !== null,
    shouldWriteToCache: async (requestContext) => (await scopeOf(requestContext)) !== null,
  });
}
