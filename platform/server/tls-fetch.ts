// fetch with a client certificate, for the gateway's calls to subgraphs under
// mutual TLS (platform/server/tls.ts): undici's own fetch and Agent (Node's global
// fetch takes no certificate), one connection pool per subgraph.
import { Agent, fetch as undiciFetch } from 'undici';
import type { HubTls } from './tls';

export function mutualTlsFetch(tls: HubTls): typeof fetch {
  const dispatcher = new Agent({ connect: { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: true } });
  return ((input: string, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}
