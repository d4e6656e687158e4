// Authentication of callers at the gateway: `Authorization: Bearer <JWT>`,
// verified with jose against a JWKS URL (production) or a configured public
// key, or the development key that `npm run token` signs with. Issuer,
// audience, expiry and algorithm are checked, and a token may live at most
// AUTH_MAX_TOKEN_AGE_SECONDS (default 24 h) from its `iat` (or from now, when
// it has none) to its `exp`; any failure is 401 UNAUTHENTICATED and no data.
// No token at all is an anonymous caller.
import { LRUCache } from 'lru-cache';
import { createRemoteJWKSet, errors as joseErrors, importSPKI, jwtVerify, type JWTVerifyGetKey, type CryptoKey, type KeyObject } from 'jose';
import { intFromEnv, pemFromEnv, stringFromEnv } from '../platform/core/config';
import { unauthenticated } from '../platform/core/errors';
import { devKeyPair, isProduction } from '../platform/access/dev-keys';
import { levelOfCode } from '../platform/core/region-codes';
import { ANONYMOUS, type Viewer } from '../platform/core/viewer';

export const DEV_ISSUER = 'rule-of-law-hub-dev';
export const DEFAULT_AUDIENCE = 'rule-of-law-hub';
/** The longest a caller's token may live, `iat` to `exp` (AUTH_MAX_TOKEN_AGE_SECONDS). */
const MAX_TOKEN_AGE_DEFAULT_SECONDS = 86_400;
/**
 * Verified tokens are remembered by their exact text, so that a dashboard's
 * every request does not check the same signature again (issue 19): at most
 * this many, each until its `exp` and at most VERIFIED_TOKEN_TTL_MS, so that a
 * key withdrawn from the JWKS stops being honoured within a minute. A token
 * that fails is never remembered: it is verified (and refused) every time.
 */
const VERIFIED_TOKENS_MAX = 10_000;
const VERIFIED_TOKEN_TTL_MS = 60_000;
/** Seconds of clock skew allowed on `exp` and `nbf`, as jose is told. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** Asymmetric algorithms only: a token signed with a shared secret (HS*) or `none` is refused. */
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface AuthConfig {
  /** A JWKS URL (production), or a PEM public key with its algorithm. */
  jwksUrl?: string;
  publicKey?: string;
  algorithm?: string;
  issuer: string;
  audience: string;
  /** The longest lifetime accepted, `iat` (or now) to `exp`, in seconds (default 24 h). */
  maxTokenAgeSeconds?: number;
}

/** AUTH_JWKS_URL, or AUTH_PUBLIC_KEY + AUTH_ALGORITHM; else the development key (not in production). */
export function authConfigFromEnv(): AuthConfig {
  const jwksUrl = stringFromEnv('AUTH_JWKS_URL');
  const publicKey = pemFromEnv('AUTH_PUBLIC_KEY');
  const audience = stringFromEnv('AUTH_AUDIENCE') ?? DEFAULT_AUDIENCE;
  const maxTokenAgeSeconds = intFromEnv('AUTH_MAX_TOKEN_AGE_SECONDS', MAX_TOKEN_AGE_DEFAULT_SECONDS, 60);
  if (jwksUrl || publicKey) {
    const issuer = stringFromEnv('AUTH_ISSUER');
    if (!issuer) throw new Error('AUTH_ISSUER must be set with AUTH_JWKS_URL or AUTH_PUBLIC_KEY');
    return { jwksUrl, publicKey, algorithm: stringFromEnv('AUTH_ALGORITHM') ?? 'RS256', issuer, audience, maxTokenAgeSeconds };
  }
  if (isProduction()) throw new Error('NODE_ENV=production needs AUTH_JWKS_URL or AUTH_PUBLIC_KEY (and AUTH_ISSUER)');
  return { publicKey: devKeyPair('token').publicKey, algorithm: 'EdDSA', issuer: stringFromEnv('AUTH_ISSUER') ?? DEV_ISSUER, audience, maxTokenAgeSeconds };
}

/** Returns a function from the Authorization header to the caller, or throwing UNAUTHENTICATED (401). */
export async function createAuthenticator(config: AuthConfig): Promise<(authorization: string | undefined) => Promise<Viewer>> {
  let key: JWTVerifyGetKey | CryptoKey | KeyObject;
  let algorithms: string[];
  if (config.jwksUrl) {
    key = createRemoteJWKSet(new URL(config.jwksUrl));
    algorithms = ASYMMETRIC;
  } else {
    const algorithm = config.algorithm ?? 'RS256';
    if (!ASYMMETRIC.includes(algorithm)) throw new Error(`AUTH_ALGORITHM must be one of ${ASYMMETRIC.join(', ')}`);
    key = await importSPKI(config.publicKey!, algorithm);
    algorithms = [algorithm];
  }
  const verify = async (token: string): Promise<VerifiedToken> => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, key as CryptoKey, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      throw unauthenticated(`Invalid token: ${reason(error)}`);
    }
    // A token good for a century is a stolen token's dream: its lifetime is bounded.
    const maxAge = config.maxTokenAgeSeconds ?? MAX_TOKEN_AGE_DEFAULT_SECONDS;
    const from = typeof payload.iat === 'number' ? payload.iat : Date.now() / 1000;
    if (payload.exp! - from > maxAge) throw unauthenticated(`Invalid token: claim exp rejected (lives longer than ${maxAge} s)`);
    return { viewer: viewerFromClaims(payload), exp: payload.exp! };
  };
  const verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS_MAX, ttl: VERIFIED_TOKEN_TTL_MS });
  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return ANONYMOUS;
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization.trim());
    if (!match) throw unauthenticated('Authorization must be "Bearer <JWT>"');
    const token = match[1];
    let known = verified.get(token);
    if (!known || Date.now() / 1000 > known.exp + CLOCK_TOLERANCE_SECONDS) {
      verified.delete(token);
      // Expired since it was remembered: verified again, and refused as expired.
      known = await verify(token);
      verified.set(token, known, { ttl: Math.min(VERIFIED_TOKEN_TTL_MS, Math.max(1, (known.exp + CLOCK_TOLERANCE_SECONDS) * 1000 - Date.now())) });
    }
    // Each request its own viewer: no request can change what another sees.
    return { ...known.viewer, scopes: [...known.viewer.scopes], regions: [...known.viewer.regions] };
  };
}

/** A token whose signature and claims passed, with the caller it stands for. */
interface VerifiedToken {
  viewer: Viewer;
  exp: number;
}

function reason(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim} rejected`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no matching key';
  return 'malformed or unverifiable';
}

/** The claims DESIGN.md names: sub, agency, scope (space-separated), regions (absent means all). */
function viewerFromClaims(claims: Record<string, unknown>): Viewer {
  const { sub, agency, scope, regions } = claims;
  if (typeof sub !== 'string' || sub === '') throw unauthenticated('Invalid token: claim sub rejected');
  if (agency !== undefined && typeof agency !== 'string') throw unauthenticated('Invalid token: claim agency rejected');
  if (scope !== undefined && typeof scope !== 'string') throw unauthenticated('Invalid token: claim scope rejected');
  if (regions !== undefined && (!Array.isArray(regions) || regions.length === 0 || !regions.every((code) => typeof code === 'string' && levelOfCode(code) !== null))) {
    throw unauthenticated('Invalid token: claim regions rejected (a non-empty list of division codes)');
  }
  return {
    subject: sub,
    agency: agency ?? null,
    scopes: (scope ?? '').split(' ').filter(Boolean),
    regions: (regions as string[] | undefined) ?? [],
  };
}
