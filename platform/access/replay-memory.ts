// Where a subgraph remembers the `jti` of each identity it accepted
// (platform/access/identity.ts), so that a captured identity is refused a second time:
// - in this process's memory when the subgraph has no Redis: enough for one
//   replica (`npm start`, the embedded default);
// - in Redis when it has one (`<PREFIX>_REDIS_URL`, else `REDIS_URL`), shared
//   by every replica of the subgraph, so that an identity one replica accepted
//   is refused by all the others: one
//   `SET <REDIS_PREFIX>:jti:<subgraph>:<jti> 1 NX PX <ms>` per call, which is
//   atomic (of two replicas given the same identity, one sets the key, the
//   other finds it) and expires by itself when the identity's lifetime (plus
//   the clock leeway) is over.
// Fail closed: when Redis does not answer (connection refused or lost, no
// reply within REPLAY_CHECK_TIMEOUT_MS or before the identity expires, an
// error reply such as OOM), the call
// is refused with 503 and the code REPLAY_CHECK_UNAVAILABLE; it is never
// served unchecked. The gateway treats a 503 as the subgraph unavailable: it
// retries a query with a new identity, then answers SUBGRAPH_UNAVAILABLE for
// that agency (or its last-known figures) and serves the others.
import { createClient } from '@keyv/redis';
import { GraphQLError } from 'graphql';
import { DEFAULT_REDIS_PREFIX } from '../core/config';
import { isProduction } from './dev-keys';
import type { Logger } from '../core/log';
import { within } from '../core/within';

/** The most identities a subgraph remembers at once in its memory (their lifetime is a call's timeout, seconds). */
export const REPLAY_MEMORY_MAX = 200_000;
/** How long a call waits for Redis's answer at most before it is refused (a Redis on the same network answers in well under 1 ms). */
export const REPLAY_CHECK_TIMEOUT_MS = 1_000;
/** Commands waiting for a Redis that does not answer, at most; beyond, a call is refused at once instead of queueing. */
const REDIS_QUEUE_MAX = 10_000;

/** `fresh`: first seen now; `seen`: used before within its lifetime; `full`: the memory cannot take more. */
export type Remembered = 'fresh' | 'seen' | 'full';

export interface ReplayMemory {
  /** Records the `jti` of an identity for `audience` until `until` (epoch ms). */
  remember(audience: string, jti: string, until: number, now: number): Promise<Remembered>;
  close(): Promise<void>;
}

/** The refusal of a call whose identity could not be checked against the shared memory. */
export function replayCheckUnavailable(): GraphQLError {
  return new GraphQLError('The replay check (Redis) could not be made; the call is refused rather than served unchecked', {
    extensions: { code: 'REPLAY_CHECK_UNAVAILABLE', http: { status: 503 } },
  });
}

/** jtis seen and until when they are remembered; expired ones are swept at most once a second. */
export function processReplayMemory(max = REPLAY_MEMORY_MAX): ReplayMemory {
  const seen = new Map<string, number>();
  let lastSweep = 0;
  const remember = (jti: string, until: number, now: number): Remembered => {
    if (now - lastSweep > 1_000 || seen.size >= max) {
      lastSweep = now;
      for (const [id, expires] of seen) if (expires < now) seen.delete(id);
    }
    const earlier = seen.get(jti);
    if (earlier !== undefined && earlier >= now) return 'seen';
    if (seen.size >= max) return 'full';
    seen.set(jti, until);
    return 'fresh';
  };
  return {
    remember: async (_audience, jti, until, now) => remember(jti, until, now),
    close: async () => seen.clear(),
  };
}

export interface RedisReplayOptions {
  url: string;
  /** REDIS_PREFIX (default `hub`); keys are `<prefix>:jti:<audience>:<jti>`. */
  prefix?: string;
  timeoutMs?: number;
  /** Told once when Redis stops answering and once when it answers again. */
  logger?: Logger;
}

/**
 * The jtis in Redis, shared by the replicas. It connects in the background and
 * reconnects by itself; while it is not connected, each call is refused at
 * once (no offline queue: a call never waits for a connection).
 */
export function redisReplayMemory(options: RedisReplayOptions): ReplayMemory {
  const prefix = `${options.prefix ?? DEFAULT_REDIS_PREFIX}:jti`;
  const timeoutMs = options.timeoutMs ?? REPLAY_CHECK_TIMEOUT_MS;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    commandsQueueMaxLength: REDIS_QUEUE_MAX,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) },
  });
  let down = false;
  const wentDown = (reason: string) => {
    if (!down) options.logger?.error({ reason }, 'redis does not answer: calls are refused (REPLAY_CHECK_UNAVAILABLE) until it does');
    down = true;
  };
  const answers = () => {
    if (down) options.logger?.info('redis answers again: calls are checked and served');
    down = false;
  };
  client.on('error', (error: Error) => wentDown(error.message));
  client.on('ready', answers);
  // Calls that come while the first connection is being made wait for its outcome (within their time limit).
  let connecting: Promise<unknown> | undefined = new Promise((resolve) => (client.once('ready', resolve), client.once('error', resolve))).then(() => (connecting = undefined));
  client.connect().catch((error: Error) => wentDown(error.message));
  return {
    async remember(audience, jti, until, now) {
      const limit = Math.max(1, Math.min(timeoutMs, until - now));
      if (connecting) await within(connecting, limit).catch(() => undefined);
      const set = client.set(`${prefix}:${audience}:${jti}`, '1', { condition: 'NX', expiration: { type: 'PX', value: Math.max(1, Math.ceil(until - now)) } });
      try {
        // Never past the identity's end: the gateway has given up on the call by then.
        const answer = await within(set, limit);
        answers();
        return answer === 'OK' ? 'fresh' : 'seen';
      } catch (error) {
        // A late answer is of no use; nor is its rejection (say, the connection lost).
        set.catch(() => undefined);
        wentDown((error as Error).message);
        throw replayCheckUnavailable();
      }
    },
    async close() {
      // Also while it is still connecting or reconnecting; only a second close finds it closed.
      if (client.isOpen) client.destroy();
    },
  };
}

/** Redis when a URL is given, else this process's memory (with a warning in production, where replicas are the rule). */
export function replayMemoryFor(options: { redisUrl?: string; redisPrefix?: string; logger?: Logger }): ReplayMemory {
  if (options.redisUrl) return redisReplayMemory({ url: options.redisUrl, prefix: options.redisPrefix, logger: options.logger });
  if (isProduction()) options.logger?.warn('no Redis for the identities this subgraph accepted (<PREFIX>_REDIS_URL): each replica remembers only its own, so a captured call can be replayed to another replica');
  return processReplayMemory();
}
