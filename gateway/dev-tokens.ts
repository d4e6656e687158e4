// Development tokens: signed with the development key (platform/access/dev-keys.ts)
// that a locally started hub verifies callers' tokens with. `npm run token`
// prints one; the explorer offers a few example callers (DEV_TOKEN_ROLES) in
// development. Both are refused when NODE_ENV=production.
import { importPKCS8, SignJWT } from 'jose';
import { stringFromEnv } from '../platform/core/config';
import { devKeyPair, isProduction } from '../platform/access/dev-keys';
import { DEFAULT_AUDIENCE, DEV_ISSUER, type AuthConfig } from './auth';

export interface DevTokenClaims {
  sub?: string;
  agency?: string;
  scopes?: string[];
  /** Division codes case-level access is limited to; absent means all. */
  regions?: string[];
  /** Lifetime as jose takes it, e.g. `30m`, `8h` (default 8h). */
  expires?: string;
}

/** A token the development configuration accepts (issuer and audience as `authConfigFromEnv` expects them). */
export async function signDevToken(claims: DevTokenClaims): Promise<string> {
  if (isProduction()) throw new Error('development tokens are refused when NODE_ENV=production');
  const payload: Record<string, unknown> = { scope: (claims.scopes ?? []).join(' ') };
  if (claims.agency) payload.agency = claims.agency;
  if (claims.regions) payload.regions = claims.regions;
  const key = await importPKCS8(devKeyPair('token').privateKey, 'EdDSA');
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(claims.sub ?? claims.agency ?? 'developer')
    .setIssuer(stringFromEnv('AUTH_ISSUER') ?? DEV_ISSUER)
    .setAudience(stringFromEnv('AUTH_AUDIENCE') ?? DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(claims.expires ?? '8h')
    .sign(key);
}

/** Whether a gateway with this configuration verifies development tokens (and so may hand them out). */
export function acceptsDevTokens(auth: AuthConfig): boolean {
  if (isProduction() || auth.jwksUrl || !auth.publicKey) return false;
  return auth.publicKey.trim() === devKeyPair('token').publicKey.trim();
}

export interface DevTokenRole {
  id: string;
  label: string;
  /** What the token lets its holder see. */
  description: string;
  /** null: no token at all (an anonymous caller). */
  claims: DevTokenClaims | null;
}

/** Example callers the explorer offers in development; Wensu county (652922) lies in Aksu prefecture (652900). */
export const DEV_TOKEN_ROLES: readonly DevTokenRole[] = Object.freeze([
  { id: 'anonymous', label: 'Anonymous', description: 'No token: public figures, the directory, offices, events and projects; no cases.', claims: null },
  {
    id: 'analyst',
    label: 'Analyst',
    description: 'Scope analyst: may read the schema (introspection) where only analysts may; public data only.',
    claims: { sub: 'dev-analyst', scopes: ['analyst'], expires: '1h' },
  },
  {
    id: 'legal-aid-wensu',
    label: 'Legal aid case worker, Wensu county, no personal data',
    description: 'legal-aid:cases for 652922: case lists of Wensu county, applicants withheld.',
    claims: { sub: 'dev-legal-aid-wensu', agency: 'legal-aid', scopes: ['legal-aid:cases'], regions: ['652922'], expires: '1h' },
  },
  {
    id: 'legal-aid-wensu-pii',
    label: 'Legal aid case worker, Wensu county, with personal data',
    description: 'legal-aid:cases legal-aid:pii for 652922: Wensu cases with their applicants (each read is audited).',
    claims: { sub: 'dev-legal-aid-wensu-pii', agency: 'legal-aid', scopes: ['legal-aid:cases', 'legal-aid:pii'], regions: ['652922'], expires: '1h' },
  },
  {
    id: 'judicial-aksu-pii',
    label: 'Judicial mediation officer, Aksu prefecture, with personal data',
    description: 'judicial:cases judicial:pii for 652900: mediation cases of Aksu prefecture with their parties.',
    claims: { sub: 'dev-judicial-aksu', agency: 'judicial', scopes: ['judicial:cases', 'judicial:pii'], regions: ['652900'], expires: '1h' },
  },
  {
    id: 'legal-aid-auditor',
    label: 'Legal aid auditor',
    description: 'legal-aid:audit: the audit records of reads of legal aid personal data.',
    claims: { sub: 'dev-legal-aid-auditor', agency: 'legal-aid', scopes: ['legal-aid:audit'], expires: '1h' },
  },
]);
