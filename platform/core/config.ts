// Reading configuration from environment variables, with working defaults.
// Every variable read here is listed in docs/configuration.md or docs/resilience-and-operations.md ("Settings").
import path from 'node:path';
import { PROJECT_ROOT } from './paths';

/** `legal-aid` -> `LEGAL_AID`: the prefix of a subgraph's own variables. */
export function envPrefix(subgraphName: string): string {
  return subgraphName.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** Redis keys start with REDIS_PREFIX (default `hub`), so one Redis can serve several hubs (the gateway's and the subgraphs' keys alike). */
export const DEFAULT_REDIS_PREFIX = 'hub';

export function stringFromEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A PEM key from a variable; `\n` escapes stand for line breaks (one-line .env files). */
export function pemFromEnv(name: string): string | undefined {
  return stringFromEnv(name)?.replace(/\\n/g, '\n');
}

export function intFromEnv(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = stringFromEnv(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

export const SEED_SCALES = { small: 0.1, default: 1, bench: 10 } as const;

/**
 * SEED_SCALE multiplies the number of generated case records: a name from
 * SEED_SCALES or a positive number. The region hierarchy is always complete.
 */
export function seedScaleFromEnv(): number {
  const raw = stringFromEnv('SEED_SCALE');
  if (raw === undefined) return SEED_SCALES.default;
  if (raw in SEED_SCALES) return SEED_SCALES[raw as keyof typeof SEED_SCALES];
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 100) {
    throw new Error(`SEED_SCALE must be small, default, bench or a number above 0 and at most 100, not "${raw}"`);
  }
  return value;
}

/** How long a stopping service lets requests in flight finish, by default. */
export const SHUTDOWN_GRACE_DEFAULT_MS = 8_000;

/** SHUTDOWN_GRACE_MS: the same for the gateway and every subgraph. */
export function shutdownGraceFromEnv(): number {
  return intFromEnv('SHUTDOWN_GRACE_MS', SHUTDOWN_GRACE_DEFAULT_MS, 0);
}

/** Where the embedded databases keep their data unless PGLITE_DATA_DIR says otherwise: `.data/pglite` in the project (git-ignored). */
const DEFAULT_PGLITE_ROOT = path.join(PROJECT_ROOT, '.data', 'pglite');

/**
 * PGLITE_DATA_DIR: the folder holding one PGlite data folder per subgraph
 * (default DEFAULT_PGLITE_ROOT); `memory` keeps every database in memory
 * (undefined here), gone when its process stops.
 */
export function pgliteRootFromEnv(): string | undefined {
  const raw = stringFromEnv('PGLITE_DATA_DIR');
  if (raw === 'memory') return undefined;
  return path.resolve(raw ?? DEFAULT_PGLITE_ROOT);
}
