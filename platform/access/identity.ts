// The verified caller's identity as the gateway forwards it to a subgraph: a
// JWT (HS256, node:crypto) in the `x-hub-identity` header, good for ONE call:
// - `aud` is the subgraph called, and it is signed with that subgraph's own
//   key (HKDF of the gateway's HUB_IDENTITY_SECRET with the subgraph's name),
//   so a subgraph holds no key that another subgraph would accept;
// - `exp` is the call's own timeout from now (never past the request's deadline);
// - `bh` is the SHA-256 of the exact request body it accompanies; the
//   subgraph hashes the raw body it received;
// - `jti` is random, and a subgraph refuses a jti it has seen within its
//   lifetime: in its own memory, or in Redis shared by its replicas
//   (platform/access/replay-memory.ts).
// A captured identity is useless with another body, on another subgraph,
// after its call's timeout, or a second time, on any replica sharing the
// Redis. Each refusal is UNAUTHENTICATED with `extensions.reason` naming which
// check failed; a replay check that cannot be made (Redis does not answer) is
// 503 REPLAY_CHECK_UNAVAILABLE, never an acceptance.
import { createHash, createHmac, hkdfSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { envPrefix, stringFromEnv } from '../core/config';
import { devIdentitySecret, isProduction } from './dev-keys';
import { processReplayMemory, type ReplayMemory } from './replay-memory';
import type { Viewer } from '../core/viewer';

export const IDENTITY_HEADER = 'x-hub-identity';
export const REQUEST_ID_HEADER = 'x-request-id';
const ISSUER = 'rule-of-law-hub-gateway';
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
/** Clocks of the gateway's and a subgraph's host may differ this much. */
export const IDENTITY_CLOCK_LEEWAY_MS = 1_000;
/** The shortest secret or key accepted (characters; `npm run keys` writes 43). */
const MIN_SECRET_LENGTH = 32;

export interface Identity {
  viewer: Viewer;
  requestId: string;
}

/** A verified identity with the call's deadline (its `exp`, epoch ms). */
export interface VerifiedIdentity extends Identity {
  expiresAt: number;
}

/** What one signed identity is for: the subgraph, the exact body sent, and how long the call may take. */
export interface IdentityCall {
  audience: string;
  body: string | Buffer;
  lifetimeMs: number;
}

export type IdentityRefusal =
  | 'IDENTITY_MISSING'
  | 'IDENTITY_MALFORMED'
  | 'IDENTITY_WRONG_AUDIENCE'
  | 'IDENTITY_BAD_SIGNATURE'
  | 'IDENTITY_EXPIRED'
  | 'IDENTITY_BODY_MISMATCH'
  | 'IDENTITY_REPLAYED'
  | 'IDENTITY_REPLAY_MEMORY_FULL';

export class IdentityError extends Error {
  constructor(
    readonly reason: IdentityRefusal,
    message: string,
  ) {
    super(message);
  }
}

function checkSecret(name: string, value: string): string {
  if (value.length < MIN_SECRET_LENGTH) throw new Error(`${name} must be at least ${MIN_SECRET_LENGTH} characters (npm run keys writes one)`);
  return value;
}

/** A subgraph's own identity key, derived from the gateway's secret and the subgraph's name (HKDF-SHA256). */
export function subgraphIdentityKey(secret: string, subgraph: string): string {
  return Buffer.from(hkdfSync('sha256', secret, 'rule-of-law-hub', `x-hub-identity:${subgraph}`, 32)).toString('base64url');
}

/** A new gateway secret (32 random bytes, base64url). */
export function newIdentitySecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The gateway's HUB_IDENTITY_SECRET, else the development secret (refused when NODE_ENV=production). */
export function identitySecretFromEnv(): string {
  const secret = stringFromEnv('HUB_IDENTITY_SECRET');
  return secret ? checkSecret('HUB_IDENTITY_SECRET', secret) : devIdentitySecret();
}

/**
 * A subgraph's key: `<PREFIX>_IDENTITY_KEY` (what a deployment gives each
 * subgraph), else derived from HUB_IDENTITY_SECRET when the process has it
 * (one machine running everything), else from the development secret
 * (refused when NODE_ENV=production).
 */
export function subgraphIdentityKeyFromEnv(subgraph: string): string {
  const name = `${envPrefix(subgraph)}_IDENTITY_KEY`;
  const own = stringFromEnv(name);
  if (own) return checkSecret(name, own);
  if (isProduction() && !stringFromEnv('HUB_IDENTITY_SECRET')) throw new Error(`${name} must be set when NODE_ENV=production (npm run keys writes it into .env)`);
  return subgraphIdentityKey(identitySecretFromEnv(), subgraph);
}

const bodyHash = (body: string | Buffer): string => createHash('sha256').update(body).digest('base64url');
const mac = (key: string, input: string): Buffer => createHmac('sha256', key).update(input).digest();

/** Signs identities for every subgraph with the key derived for it; synchronous, ~10 µs each. */
export function createIdentitySigner(secret: string): (identity: Identity, call: IdentityCall) => string {
  checkSecret('the identity secret', secret);
  const keys = new Map<string, string>();
  return ({ viewer, requestId }, { audience, body, lifetimeMs }) => {
    let key = keys.get(audience);
    if (!key) keys.set(audience, (key = subgraphIdentityKey(secret, audience)));
    const now = Date.now();
    const payload = {
      iss: ISSUER,
      sub: viewer.subject ?? 'anonymous',
      aud: audience,
      agency: viewer.agency,
      scope: viewer.scopes.join(' '),
      regions: viewer.regions,
      rid: requestId,
      anon: viewer.subject === null,
      iat: now / 1000,
      exp: (now + lifetimeMs) / 1000,
      bh: bodyHash(body),
      jti: randomUUID(),
    };
    const input = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${input}.${mac(key, input).toString('base64url')}`;
  };
}

/** The claims of a token that is well-formed, for `audience`, signed with `key`, not expired and bound to `body`; IdentityError otherwise. */
function checkedClaims(token: string | undefined, body: Buffer | string, audience: string, key: string): { payload: Record<string, unknown>; jti: string; expires: number; now: number } {
  if (!token) throw new IdentityError('IDENTITY_MISSING', 'This service answers only requests that come through the gateway');
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) throw new IdentityError('IDENTITY_MALFORMED', 'The gateway identity is malformed');
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new IdentityError('IDENTITY_MALFORMED', 'The gateway identity is malformed');
  }
  if (payload.aud !== audience) throw new IdentityError('IDENTITY_WRONG_AUDIENCE', 'The gateway identity is for another service');
  const expected = mac(key, `${parts[0]}.${parts[1]}`);
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected) || payload.iss !== ISSUER) {
    throw new IdentityError('IDENTITY_BAD_SIGNATURE', 'The gateway identity is not signed by the gateway');
  }
  const now = Date.now();
  const expires = typeof payload.exp === 'number' ? payload.exp * 1000 : Number.NaN;
  if (!(expires + IDENTITY_CLOCK_LEEWAY_MS >= now)) throw new IdentityError('IDENTITY_EXPIRED', 'The gateway identity has expired');
  if (payload.bh !== bodyHash(body)) throw new IdentityError('IDENTITY_BODY_MISMATCH', 'The gateway identity was issued for another request body');
  if (typeof payload.jti !== 'string' || payload.jti === '') throw new IdentityError('IDENTITY_MALFORMED', 'The gateway identity is malformed');
  return { payload, jti: payload.jti, expires, now };
}

/**
 * A subgraph's verifier: the identity of a call, or IdentityError for a
 * missing, forged, misdirected, stale, rebound or replayed token. `body` is
 * the raw request body as received. `replay` remembers the jtis (default: this
 * process's memory, at most `replayMemory` of them); with Redis it rejects
 * with REPLAY_CHECK_UNAVAILABLE when Redis does not answer.
 */
export function createIdentityVerifier(options: { audience: string; key: string; replayMemory?: number; replay?: ReplayMemory }): (token: string | undefined, body: Buffer | string) => Promise<VerifiedIdentity> {
  const key = checkSecret('the identity key', options.key);
  const memory = options.replay ?? processReplayMemory(options.replayMemory);
  return async (token, body) => {
    // Only a genuine identity (signed, for this body, in time) is recorded: nobody without the key can fill the memory.
    const { payload, jti, expires, now } = checkedClaims(token, body, options.audience, key);
    const remembered = await memory.remember(options.audience, jti, expires + IDENTITY_CLOCK_LEEWAY_MS, now);
    if (remembered === 'full') throw new IdentityError('IDENTITY_REPLAY_MEMORY_FULL', 'Too many gateway identities in their lifetime; try again');
    if (remembered === 'seen') throw new IdentityError('IDENTITY_REPLAYED', 'The gateway identity was used before');
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return {
      viewer: {
        subject: payload.anon === true ? null : String(payload.sub),
        agency: typeof payload.agency === 'string' ? payload.agency : null,
        scopes: scope.split(' ').filter(Boolean),
        regions: Array.isArray(payload.regions) ? payload.regions.map(String) : [],
      },
      requestId: typeof payload.rid === 'string' ? payload.rid : '',
      expiresAt: expires,
    };
  };
}
