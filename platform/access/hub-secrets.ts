// The secrets a deployment of the hub is given at run time, new each time:
// the one function `npm run keys` writes out (scripts/keys.ts). What they are
// changes here, and only here.
import { randomBytes } from 'node:crypto';
import { envPrefix } from '../core/config';
import { newIdentitySecret, subgraphIdentityKey } from './identity';

/** The variable holding a subgraph's own identity key, e.g. JUDICIAL_IDENTITY_KEY. */
export const identityKeyVariable = (subgraph: string): string => `${envPrefix(subgraph)}_IDENTITY_KEY`;

/** Each subgraph's identity key derived from the gateway's secret, by variable name. */
export function subgraphIdentityKeys(secret: string, subgraphs: string[]): Record<string, string> {
  return Object.fromEntries(subgraphs.map((name) => [identityKeyVariable(name), subgraphIdentityKey(secret, name)]));
}

/**
 * New secrets, by variable name: the gateway's HUB_IDENTITY_SECRET (the
 * gateway alone gets it), each subgraph's identity key derived from it
 * (`<PREFIX>_IDENTITY_KEY`, each subgraph gets only its own: platform/access/identity.ts)
 * and the password docker-compose gives PostgreSQL (POSTGRES_PASSWORD).
 */
export function newHubSecrets(subgraphs: string[]): Record<string, string> {
  const secret = newIdentitySecret();
  return {
    HUB_IDENTITY_SECRET: secret,
    ...subgraphIdentityKeys(secret, subgraphs),
    POSTGRES_PASSWORD: randomBytes(24).toString('base64url'),
  };
}
