// The secrets a deployment of the hub is given at run time, new each time:
// the one function `npm run keys` writes out (scripts/keys.ts). What they are
// changes here, and only here.
import { randomBytes } from 'node:crypto';
import { newEd25519KeyPair } from './dev-keys';

/** PEM on one line, `\n` for each line break (.env files hold one line per variable; pemFromEnv reads it back). */
function oneLine(pem: string): string {
  return pem.trim().replace(/\n/g, '\\n');
}

/**
 * New secrets, by variable name: the Ed25519 pair of the identity the gateway
 * forwards to subgraphs (HUB_IDENTITY_PRIVATE_KEY for the gateway alone,
 * HUB_IDENTITY_PUBLIC_KEY for every service) and the password docker-compose
 * gives PostgreSQL (POSTGRES_PASSWORD).
 */
export function newHubSecrets(): Record<string, string> {
  const identity = newEd25519KeyPair();
  return {
    HUB_IDENTITY_PRIVATE_KEY: oneLine(identity.privateKey),
    HUB_IDENTITY_PUBLIC_KEY: oneLine(identity.publicKey),
    POSTGRES_PASSWORD: randomBytes(24).toString('base64url'),
  };
}
