// Development keys, created on first use under .data/dev-keys (git-ignored) so
// that a locally started hub works with no set-up: one pair signs the tokens
// `npm run token` prints (callers' tokens), and one secret (identity-secret.json)
// is the gateway's HUB_IDENTITY_SECRET from which each subgraph's identity key
// is derived. Refused when NODE_ENV=production, where they come from configuration.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringFromEnv } from '../core/config';
import { PROJECT_ROOT } from '../core/paths';

const DEV_KEYS_DIR = path.resolve(stringFromEnv('DEV_KEYS_DIR') ?? path.join(PROJECT_ROOT, '.data', 'dev-keys'));

export type DevKeyPurpose = 'token';

export interface PemKeyPair {
  privateKey: string;
  publicKey: string;
}

/** A new Ed25519 key pair in PEM (PKCS #8 private, SPKI public), as every key setting of the hub takes it. */
export function newEd25519KeyPair(): PemKeyPair {
  return generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

export function isProduction(): boolean {
  return process.env.NODE_ENV === 'production';
}

/**
 * The content of a development key file, created by `create` if missing.
 * Several processes starting at once agree on one: each writes its own
 * candidate and links it into place; the first link wins and the others read it.
 */
function devKeyFile<T>(name: string, create: () => T): T {
  if (isProduction()) throw new Error(`development ${name} keys are refused when NODE_ENV=production; configure the keys`);
  const file = path.join(DEV_KEYS_DIR, `${name}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    mkdirSync(DEV_KEYS_DIR, { recursive: true, mode: 0o700 });
    const candidate = `${file}.${process.pid}.tmp`;
    writeFileSync(candidate, JSON.stringify(create()), { mode: 0o600 });
    try {
      linkSync(candidate, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(candidate);
    }
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  }
}

/** The development Ed25519 key pair for a purpose, created if missing. */
export function devKeyPair(purpose: DevKeyPurpose): PemKeyPair {
  return devKeyFile(purpose, newEd25519KeyPair);
}

/** The development HUB_IDENTITY_SECRET, created if missing. */
export function devIdentitySecret(): string {
  return devKeyFile('identity-secret', () => ({ secret: randomBytes(32).toString('base64url') })).secret;
}
