// Where the gateway keeps field usage (gateway/usage.ts writes, `npm run
// check` reads): per day, client, operation and schema coordinate, how many
// requests touched it, and when each was last seen; and each operation's name.
//
// - Redis when REDIS_URL is set, so that replicas add to the same figures:
//   one hash per day (`<prefix>:usage:day:<YYYY-MM-DD>`, HINCRBY, expiring
//   after the retention), a sorted set of last-seen times (ZADD GT: a replica
//   flushing late never moves a time back) and a hash of operation names.
// - Otherwise a JSON file, `<USAGE_DIR>/usage.json` (default `.data/usage`),
//   rewritten whole at each flush: read, add the batch, drop days past the
//   retention, write to a temporary file, fsync, rename. A crash leaves the
//   previous file or the new one, never half of one; a restart keeps the
//   figures. Chosen over an embedded database: the one SQLite binding for Node
//   20 needs a native build this project cannot download, LevelDB locks its
//   folder against `npm run check` reading it while the gateway runs, and the
//   figures are small (days x clients x operations x coordinates touched), so
//   a whole-file rewrite every few seconds is cheap. One gateway per folder:
//   replicas share Redis.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '@keyv/redis';
import { intFromEnv, stringFromEnv } from '../platform/core/config';
import { PROJECT_ROOT } from '../platform/core/paths';
import { displayPath } from '../platform/server/shared-sdl';
import { DEFAULT_REDIS_PREFIX } from './response-cache';

/** One (client, operation, coordinate) on one day. */
export interface UsageCount {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  client: string;
  /** The operation's id: sha256 of its signature. */
  operation: string;
  /** `Type.field`, `Type.field.argument`, `Enum.VALUE`, `Input.field`. */
  coordinate: string;
  count: number;
  /** Epoch ms. */
  lastSeen: number;
}

export interface UsageBatch {
  counts: UsageCount[];
  /** Operation id -> name (`anonymous` when it has none). */
  operations: Record<string, string>;
}

/** Usage summed over the days read; lastSeen is the latest time ever seen. */
export interface UsageTotals {
  counts: Omit<UsageCount, 'day'>[];
  operations: Record<string, string>;
}

export interface UsageStore {
  /** Where the figures are, for reports: `redis <prefix>` or the file's path. */
  readonly description: string;
  add(batch: UsageBatch): Promise<void>;
  /** Totals over the days from `fromDay` to today (UTC), inclusive. */
  read(fromDay: string): Promise<UsageTotals>;
  close(): Promise<void>;
}

export const USAGE_DEFAULTS = Object.freeze({ retentionDays: 90, windowDays: 30 });

export interface UsageStoreOptions {
  redisUrl?: string;
  redisPrefix?: string;
  /** The file store's folder (default `.data/usage`). */
  directory?: string;
  retentionDays?: number;
  /** Fail at once when Redis does not answer, instead of retrying (a command such as `npm run check`). */
  failFast?: boolean;
}

export function usageStoreOptionsFromEnv(): UsageStoreOptions {
  return {
    redisUrl: stringFromEnv('REDIS_URL'),
    redisPrefix: stringFromEnv('REDIS_PREFIX'),
    directory: stringFromEnv('USAGE_DIR'),
    retentionDays: intFromEnv('USAGE_RETENTION_DAYS', USAGE_DEFAULTS.retentionDays, 1, 3660),
  };
}

export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const keyOf = (count: Pick<UsageCount, 'client' | 'operation' | 'coordinate'>) => `${count.client}\t${count.operation}\t${count.coordinate}`;
const splitKey = (key: string) => {
  const [client, operation, coordinate] = key.split('\t');
  return { client, operation, coordinate };
};
const daysBefore = (days: number, now = Date.now()) => dayOf(now - days * 86_400_000);

export async function openUsageStore(options: UsageStoreOptions = {}): Promise<UsageStore> {
  const retentionDays = options.retentionDays ?? USAGE_DEFAULTS.retentionDays;
  return options.redisUrl ? redisStore(options.redisUrl, options.redisPrefix ?? DEFAULT_REDIS_PREFIX, retentionDays, options.failFast ?? false) : fileStore(path.resolve(options.directory ?? path.join(PROJECT_ROOT, '.data', 'usage')), retentionDays);
}

// ---------------------------------------------------------------- file

interface UsageFile {
  version: 1;
  /** day -> key -> count */
  days: Record<string, Record<string, number>>;
  /** key -> epoch ms */
  lastSeen: Record<string, number>;
  operations: Record<string, string>;
}

function fileStore(directory: string, retentionDays: number): UsageStore {
  const file = path.join(directory, 'usage.json');
  const load = (): UsageFile => {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as UsageFile;
      if (parsed.version === 1) return parsed;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(error as Error).message}`);
    }
    return { version: 1, days: {}, lastSeen: {}, operations: {} };
  };
  let writing = Promise.resolve();
  const add = (batch: UsageBatch): Promise<void> =>
    (writing = writing.then(() => {
      const data = load();
      for (const count of batch.counts) {
        const key = keyOf(count);
        const day = (data.days[count.day] ??= {});
        day[key] = (day[key] ?? 0) + count.count;
        data.lastSeen[key] = Math.max(data.lastSeen[key] ?? 0, count.lastSeen);
      }
      Object.assign(data.operations, batch.operations);
      const oldest = daysBefore(retentionDays);
      for (const day of Object.keys(data.days)) if (day < oldest) delete data.days[day];
      const cutoff = Date.now() - retentionDays * 86_400_000;
      for (const [key, seen] of Object.entries(data.lastSeen)) if (seen < cutoff) delete data.lastSeen[key];
      mkdirSync(directory, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(data));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, file);
    }));
  return {
    description: displayPath(file),
    add,
    async read(fromDay) {
      await writing.catch(() => undefined);
      const data = load();
      const totals = new Map<string, number>();
      for (const [day, counts] of Object.entries(data.days)) {
        if (day < fromDay) continue;
        for (const [key, count] of Object.entries(counts)) totals.set(key, (totals.get(key) ?? 0) + count);
      }
      return {
        counts: [...totals].map(([key, count]) => ({ ...splitKey(key), count, lastSeen: data.lastSeen[key] ?? 0 })),
        operations: data.operations,
      };
    },
    close: () => writing.catch(() => undefined),
  };
}

// ---------------------------------------------------------------- Redis

async function redisStore(url: string, prefix: string, retentionDays: number, failFast: boolean): Promise<UsageStore> {
  const client = createClient({ url, ...(failFast ? { socket: { connectTimeout: 3000, reconnectStrategy: false as const } } : {}) });
  // Errors surface on the commands (the flush logs them); this keeps them from being unhandled events.
  client.on('error', () => undefined);
  await client.connect();
  const dayKey = (day: string) => `${prefix}:usage:day:${day}`;
  const lastSeenKey = `${prefix}:usage:last-seen`;
  const operationsKey = `${prefix}:usage:operations`;
  return {
    description: `redis ${prefix}:usage:*`,
    async add(batch) {
      if (!batch.counts.length) return;
      const multi = client.multi();
      const latest = new Map<string, number>();
      const days = new Set<string>();
      for (const count of batch.counts) {
        const key = keyOf(count);
        multi.hIncrBy(dayKey(count.day), key, count.count);
        days.add(count.day);
        latest.set(key, Math.max(latest.get(key) ?? 0, count.lastSeen));
      }
      for (const day of days) multi.expire(dayKey(day), (retentionDays + 1) * 86_400);
      multi.zAdd(lastSeenKey, [...latest].map(([value, score]) => ({ value, score })), { comparison: 'GT' });
      multi.zRemRangeByScore(lastSeenKey, 0, Date.now() - retentionDays * 86_400_000);
      if (Object.keys(batch.operations).length) multi.hSet(operationsKey, batch.operations);
      await multi.exec();
    },
    async read(fromDay) {
      const totals = new Map<string, number>();
      for (let ms = Date.parse(`${fromDay}T00:00:00Z`); dayOf(ms) <= dayOf(Date.now()); ms += 86_400_000) {
        for (const [key, count] of Object.entries(await client.hGetAll(dayKey(dayOf(ms))))) totals.set(key, (totals.get(key) ?? 0) + Number(count));
      }
      const lastSeen = new Map((await client.zRangeWithScores(lastSeenKey, 0, -1)).map(({ value, score }) => [value, score]));
      return {
        counts: [...totals].map(([key, count]) => ({ ...splitKey(key), count, lastSeen: lastSeen.get(key) ?? 0 })),
        operations: await client.hGetAll(operationsKey),
      };
    },
    async close() {
      await client.close();
    },
  };
}
