// The verified caller's identity as the gateway forwards it to subgraphs: a
// short-lived JWT signed by the gateway's Ed25519 key in the `x-hub-identity`
// header. A subgraph trusts only this, so a request that did not pass the
// gateway (or carries a forged or stale token) is refused.
import { importPKCS8, importSPKI, jwtVerify, SignJWT, type CryptoKey, type KeyObject } from 'jose';
import { pemFromEnv } from './config';
import { devKeyPair } from './dev-keys';
import type { Viewer } from './viewer';

export const IDENTITY_HEADER = 'x-hub-identity';
export const REQUEST_ID_HEADER = 'x-request-id';
const ISSUER = 'rule-of-law-hub-gateway';
const AUDIENCE = 'rule-of-law-hub-subgraphs';
const ALGORITHM = 'EdDSA';
/** Long enough for one gateway request's subgraph calls; short enough to be useless if captured. */
const LIFETIME_SECONDS = 60;

type Key = CryptoKey | KeyObject;

export interface Identity {
  viewer: Viewer;
  requestId: string;
}

/** PEM keys from HUB_IDENTITY_PRIVATE_KEY / HUB_IDENTITY_PUBLIC_KEY, else the development pair. */
export function identityKeysFromEnv(): { privateKey?: string; publicKey: string } {
  const publicKey = pemFromEnv('HUB_IDENTITY_PUBLIC_KEY');
  const privateKey = pemFromEnv('HUB_IDENTITY_PRIVATE_KEY');
  if (publicKey) return { privateKey, publicKey };
  return devKeyPair('identity');
}

export async function createIdentitySigner(privateKeyPem: string): Promise<(identity: Identity) => Promise<string>> {
  const key: Key = await importPKCS8(privateKeyPem, ALGORITHM);
  return ({ viewer, requestId }) =>
    new SignJWT({ agency: viewer.agency, scope: viewer.scopes.join(' '), regions: viewer.regions, rid: requestId, anon: viewer.subject === null })
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(viewer.subject ?? 'anonymous')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${LIFETIME_SECONDS}s`)
      .sign(key);
}

/** Returns a verifier that yields the identity, or throws for a missing, forged or stale token. */
export async function createIdentityVerifier(publicKeyPem: string): Promise<(token: string) => Promise<Identity>> {
  const key: Key = await importSPKI(publicKeyPem, ALGORITHM);
  return async (token) => {
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [ALGORITHM],
      requiredClaims: ['sub', 'exp', 'iat'],
      maxTokenAge: `${LIFETIME_SECONDS}s`,
    });
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return {
      viewer: {
        subject: payload.anon === true ? null : String(payload.sub),
        agency: typeof payload.agency === 'string' ? payload.agency : null,
        scopes: scope.split(' ').filter(Boolean),
        regions: Array.isArray(payload.regions) ? payload.regions.map(String) : [],
      },
      requestId: typeof payload.rid === 'string' ? payload.rid : '',
    };
  };
}
