// Mutual TLS between the gateway and the subgraphs (issue 18), for networks
// between them that others can reach: HUB_TLS_CA, HUB_TLS_CERT and
// HUB_TLS_KEY name PEM files (all three, or none). A subgraph then serves
// /graphql and /health over HTTPS and accepts only clients whose certificate
// the CA signed (the gateway's); the gateway calls subgraphs over HTTPS with
// its certificate and accepts only subgraph certificates the CA signed, for
// the host it called. The per-call identity (platform/access/identity.ts) is still
// required on top: TLS says the caller is the gateway, the identity says who
// the gateway's caller is and binds it to one call.
import { readFileSync } from 'node:fs';
import { stringFromEnv } from '../core/config';

export interface HubTls {
  /** PEM of the CA that signs the gateway's and the subgraphs' certificates. */
  ca: string;
  /** PEM of this service's certificate (the gateway's client certificate, a subgraph's server certificate). */
  cert: string;
  /** PEM of its private key. */
  key: string;
}

const VARIABLES = ['HUB_TLS_CA', 'HUB_TLS_CERT', 'HUB_TLS_KEY'] as const;

/** The files named by HUB_TLS_CA / HUB_TLS_CERT / HUB_TLS_KEY, or undefined when none is set. */
export function hubTlsFromEnv(): HubTls | undefined {
  const files = VARIABLES.map((name) => stringFromEnv(name));
  if (files.every((file) => file === undefined)) return undefined;
  const missing = VARIABLES.filter((_, i) => files[i] === undefined);
  if (missing.length) throw new Error(`mutual TLS needs ${VARIABLES.join(', ')} together; ${missing.join(', ')} not set`);
  const [ca, cert, key] = files.map((file, i) => {
    try {
      return readFileSync(file!, 'utf8');
    } catch (error) {
      throw new Error(`${VARIABLES[i]}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  });
  return { ca, cert, key };
}

/** A subgraph's URL as the gateway calls it under mutual TLS: https, whatever the configuration wrote. */
export function tlsUrl(url: string): string {
  return url.replace(/^http:\/\//i, 'https://');
}
