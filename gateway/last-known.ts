// Last-known figures (issue 16): when an agency cannot answer, the gateway
// serves its last good answer to the same fetch, marked as such, so that a
// dashboard shows yesterday's numbers with their age instead of a hole.
//
// What is kept. Every answer of a subgraph to a query fetch that has no errors
// and whose Cache-Control is public (max-age above 0, not private: the
// subgraph's own hints, platform/server/cache-hints.ts; case records, personal data,
// audit records and the caller's identity are max-age 0 at their source), so
// nothing protected or personal is ever kept. Its key is the subgraph, the
// fetch as sent (query, variables, operation name) and the caller's visibility
// (anonymous, or the caller's identity, as gateway/response-cache.ts keys
// private answers): an answer is served again only to the fetch that got it,
// for the same kind of caller. A new good answer replaces the one before,
// at most once every LAST_KNOWN_REFRESH_SECONDS (10) per fetch and gateway, so
// a dashboard asking many times a second costs one write every few seconds.
//
// When it is served. A fetch that fails because of the agency (unavailable,
// timed out, breaker open, known down: gateway/data-source.ts and
// gateway/subgraph-health.ts) is answered with the kept answer when it is at
// most STALE_IF_ERROR_MAX_AGE seconds old (default 24 h; 0 keeps nothing and
// serves nothing). The response then carries
// `extensions.lastKnownFigures: [{ agency, ageSeconds, storedAt }]` (one per
// agency, with the age of the oldest answer served) instead of an error for
// that fetch, and it is never cached by the response cache.
//
// Where. In Redis when REDIS_URL is set (under REDIS_PREFIX), so every replica
// has them; otherwise in memory (at most LAST_KNOWN_MAX_ENTRIES answers and
// 64 MiB). Whoever can reach Redis could write an entry: every entry is signed
// (HMAC-SHA256 over its key, time and text, with a secret only the gateway
// holds), and an entry whose signature does not verify is refused and logged.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { createClient } from '@keyv/redis';
import { LRUCache } from 'lru-cache';
import { intFromEnv } from '../platform/core/config';
import type { Logger } from '../platform/core/log';
import type { GatewayContext } from './context';
import { DEFAULT_REDIS_PREFIX } from './response-cache';

/** STALE_IF_ERROR_MAX_AGE default: a day, in seconds. */
export const STALE_IF_ERROR_MAX_AGE_DEFAULT = 86_400;
const LAST_KNOWN_MAX_ENTRIES_DEFAULT = 5_000;
const LAST_KNOWN_REFRESH_SECONDS_DEFAULT = 10;
const MEMORY_MAX_BYTES = 64 * 1024 * 1024;

export function staleIfErrorMaxAgeFromEnv(): number {
  return intFromEnv('STALE_IF_ERROR_MAX_AGE', STALE_IF_ERROR_MAX_AGE_DEFAULT, 0, 365 * 86_400);
}

export function lastKnownMaxEntriesFromEnv(): number {
  return intFromEnv('LAST_KNOWN_MAX_ENTRIES', LAST_KNOWN_MAX_ENTRIES_DEFAULT, 1);
}

export function lastKnownRefreshFromEnv(): number {
  return intFromEnv('LAST_KNOWN_REFRESH_SECONDS', LAST_KNOWN_REFRESH_SECONDS_DEFAULT, 0, 86_400);
}

export interface LastKnownOptions {
  /** Oldest answer served, in seconds; 0 turns last-known figures off. */
  maxAgeSeconds: number;
  /** Signs and checks every entry. */
  secret: Buffer;
  redisUrl?: string;
  redisPrefix?: string;
  /** Entries kept in memory (without Redis). */
  maxEntries?: number;
  /** A fetch's answer is written again at most this often, in seconds (default 10; 0: every good answer). */
  refreshSeconds?: number;
  logger?: Logger;
}

/** A kept answer, served in place of a failed fetch. */
export interface LastKnownAnswer {
  response: GatewayGraphQLResponse;
  /** Epoch ms. */
  storedAt: number;
}

export interface LastKnownFigures {
  /** Keeps a subgraph's good public answer to a fetch (in the background: never delays the request). */
  remember(agency: string, fetch: string, text: string): void;
  /** The kept answer to the fetch, when there is one young enough and it verifies. */
  recall(agency: string, fetch: string): Promise<LastKnownAnswer | undefined>;
  close(): Promise<void>;
}

/** What identifies a fetch: the body sent to the subgraph and the caller's visibility (null: anonymous). */
export function fetchIdentity(body: string, visibility: string | null): string {
  return createHash('sha256').update(JSON.stringify([visibility, body])).digest('base64url');
}

/** Whether a subgraph's answer may be kept: a query's answer without errors, public by its Cache-Control. */
export function keepable(hint: { maxAge: number; scope?: 'PRIVATE' }, response: GatewayGraphQLResponse): boolean {
  return hint.maxAge > 0 && hint.scope !== 'PRIVATE' && !response.errors?.length && response.data != null;
}

interface Entry {
  storedAt: number;
  text: string;
  mac: string;
}

const macOf = (secret: Buffer, key: string, storedAt: number, text: string) => createHmac('sha256', secret).update(`${key}\n${storedAt}\n${text}`).digest('base64url');

function verified(secret: Buffer, key: string, raw: string): Entry | undefined {
  try {
    const entry = JSON.parse(raw) as Entry;
    if (typeof entry?.storedAt !== 'number' || typeof entry.text !== 'string' || typeof entry.mac !== 'string') return undefined;
    const expected = Buffer.from(macOf(secret, key, entry.storedAt, entry.text));
    const given = Buffer.from(entry.mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? entry : undefined;
  } catch {
    return undefined;
  }
}

interface Store {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

async function redisStore(url: string, logger?: Logger): Promise<Store> {
  const client = createClient({ url });
  client.on('error', (error: Error) => logger?.error({ reason: error.message }, 'redis error (last-known figures)'));
  await client.connect();
  return {
    get: async (key) => (await client.get(key)) ?? undefined,
    set: async (key, value, ttlMs) => {
      await client.set(key, value, { PX: ttlMs });
    },
    close: async () => {
      await client.close();
    },
  };
}

function memoryStore(maxEntries: number): Store {
  const cache = new LRUCache<string, string>({ max: maxEntries, maxSize: MEMORY_MAX_BYTES, sizeCalculation: (value, key) => value.length + key.length });
  return {
    get: async (key) => cache.get(key),
    set: async (key, value, ttlMs) => {
      cache.set(key, value, { ttl: ttlMs });
    },
    close: async () => cache.clear(),
  };
}

/** The store of last-known figures; undefined when they are off (maxAgeSeconds 0). */
export async function createLastKnownFigures(options: LastKnownOptions): Promise<LastKnownFigures | undefined> {
  if (options.maxAgeSeconds <= 0) return undefined;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const prefix = `${options.redisPrefix ?? DEFAULT_REDIS_PREFIX}:last-known`;
  const store = options.redisUrl ? await redisStore(options.redisUrl, options.logger) : memoryStore(options.maxEntries ?? LAST_KNOWN_MAX_ENTRIES_DEFAULT);
  const keyOf = (agency: string, fetch: string) => `${prefix}:${agency}:${fetch}`;
  const refreshMs = (options.refreshSeconds ?? LAST_KNOWN_REFRESH_SECONDS_DEFAULT) * 1000;
  // The fetches this gateway wrote lately: not written again until refreshMs has passed.
  const written = refreshMs > 0 ? new LRUCache<string, true>({ max: options.maxEntries ?? LAST_KNOWN_MAX_ENTRIES_DEFAULT, ttl: refreshMs }) : undefined;
  return {
    remember(agency, fetch, text) {
      const key = keyOf(agency, fetch);
      if (written?.has(key)) return;
      written?.set(key, true);
      const storedAt = Date.now();
      const entry: Entry = { storedAt, text, mac: macOf(options.secret, key, storedAt, text) };
      store.set(key, JSON.stringify(entry), maxAgeMs).catch((error: Error) => options.logger?.warn({ subgraph: agency, reason: error.message }, 'last-known figures not kept'));
    },
    async recall(agency, fetch) {
      const key = keyOf(agency, fetch);
      let raw: string | undefined;
      try {
        raw = await store.get(key);
      } catch (error) {
        options.logger?.warn({ subgraph: agency, reason: (error as Error).message }, 'last-known figures not read');
        return undefined;
      }
      if (raw === undefined) return undefined;
      const entry = verified(options.secret, key, raw);
      if (!entry) {
        options.logger?.error({ subgraph: agency }, 'last-known figures refused: the entry is not signed by this hub');
        return undefined;
      }
      if (Date.now() - entry.storedAt > maxAgeMs) return undefined;
      try {
        return { response: JSON.parse(entry.text) as GatewayGraphQLResponse, storedAt: entry.storedAt };
      } catch {
        return undefined;
      }
    },
    close: () => store.close(),
  };
}

/** Last-known figures served for one request, by agency. */
const served = new WeakMap<object, Map<string, number>>();

/** Notes that an agency's last-known figures from `storedAt` were served for this request. */
export function noteLastKnown(context: GatewayContext, agency: string, storedAt: number): void {
  let agencies = served.get(context);
  if (!agencies) served.set(context, (agencies = new Map()));
  agencies.set(agency, Math.min(storedAt, agencies.get(agency) ?? Number.POSITIVE_INFINITY));
}

/** Tells the client, in `extensions.lastKnownFigures`, which agencies' figures are last-known ones and how old. */
export function lastKnownPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const agencies = served.get(contextValue);
          if (!agencies || response.body.kind !== 'single') return;
          const now = Date.now();
          const result = response.body.singleResult;
          result.extensions = {
            ...result.extensions,
            lastKnownFigures: [...agencies].map(([agency, storedAt]) => ({
              agency,
              ageSeconds: Math.max(0, Math.floor((now - storedAt) / 1000)),
              storedAt: new Date(storedAt).toISOString(),
            })),
          };
        },
      };
    },
  };
}
