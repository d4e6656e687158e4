// Response caching at the gateway (issue 8). Whole responses of queries are
// cached by @apollo/server-plugin-response-cache under the policy the gateway
// computes from the subgraphs' Cache-Control headers (platform/cache-hints.ts):
// public aggregates carry the subgraphs' default hint; anything that returns
// case records, personal data, audit records or the caller's own identity is
// uncacheable at its source, so it is never cached at all.
//
// Keys. Every key holds the operation, its variables and the current data
// version; a response with a PRIVATE hint is also keyed by the caller
// (subject, scopes, regions), and public responses of anonymous and of
// authenticated callers are kept apart (the plugin's session modes).
//
// Invalidation. The data version is a counter in the cache store (Redis when
// REDIS_URL is set, so every replica sees it). Each mutation through the hub,
// successful or not (a failed one may have written part of its fields),
// increments it before its response is sent; a reader reads the version when
// its request starts and stores its result under that version. So a reader
// that could have observed a write (it started after the write's response)
// keys with the new version and never meets a response cached before it.
// `npm run import` writes straight into a database: with REDIS_URL set it
// increments the shared version itself (bumpSharedDataVersion); without Redis
// the gateway's in-memory cache cannot learn of it, and imported figures show
// once the cached entries expire (CACHE_MAX_AGE).
//
// The cache is the gateway's ApolloServer cache, which also holds automatic
// persisted queries: in memory by default, Redis when REDIS_URL is set.
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import KeyvRedis, { createClient, Keyv } from '@keyv/redis';
import type { Logger } from '../platform/log';
import type { GatewayContext } from './context';

/** Redis keys start with REDIS_PREFIX (default `hub`), so one Redis can serve several hubs. */
export const DEFAULT_REDIS_PREFIX = 'hub';
const versionKey = (prefix: string) => `${prefix}:data-version`;

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

export async function createResponseCaching(options: { enabled: boolean; redisUrl?: string; redisPrefix?: string; logger: Logger }): Promise<ResponseCaching> {
  const prefix = options.redisPrefix ?? DEFAULT_REDIS_PREFIX;
  let cache: KeyValueCache<string> | undefined;
  let dataVersion: () => Promise<string>;
  let bump: () => Promise<void>;
  let close = async (): Promise<void> => undefined;
  if (options.redisUrl) {
    const client = createClient({ url: options.redisUrl });
    client.on('error', (error: Error) => options.logger.error({ reason: error.message }, 'redis error'));
    await client.connect();
    cache = new KeyvAdapter(new Keyv<string>({ store: new KeyvRedis(client), namespace: prefix }));
    dataVersion = async () => (await client.get(versionKey(prefix))) ?? '0';
    bump = async () => {
      await client.incr(versionKey(prefix));
    };
    close = async () => {
      await client.close();
    };
  } else {
    let version = 0;
    dataVersion = async () => String(version);
    bump = async () => {
      version++;
    };
  }

  const plugins: ApolloServerPlugin<GatewayContext>[] = [
    // The policy is computed for the response cache only: clients get no
    // Cache-Control header, so no HTTP cache outside the hub keeps a figure
    // that a write has since changed.
    ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ operation }) {
            if (operation?.operation === 'mutation') await bump();
          },
        };
      },
    },
  ];
  if (options.enabled) {
    plugins.push(
      responseCachePlugin<GatewayContext>({
        cache,
        sessionId: async ({ contextValue }: GraphQLRequestContext<GatewayContext>) => viewerKey(contextValue),
        extraCacheKeyData: async () => ({ dataVersion: await dataVersion() }),
      }),
    );
  }
  return { cache, plugins, close };
}

/** Invalidates every gateway's cached responses from outside a gateway (the CSV import), through Redis. */
export async function bumpSharedDataVersion(redisUrl: string, prefix = DEFAULT_REDIS_PREFIX): Promise<void> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    await client.incr(versionKey(prefix));
  } finally {
    await client.close();
  }
}
