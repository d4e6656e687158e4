// How the gateway's data sources send their calls (issue 19): undici's
// request() over a keep-alive Agent (a connection pool per subgraph origin),
// not the WHATWG fetch layer: no Request/Response/Headers objects per call,
// connections kept open between calls. Under mutual TLS the same Agent carries
// the gateway's client certificate (platform/server/tls.ts).
import { Agent, request } from 'undici';
import type { HubTls } from '../platform/server/tls';

export interface SubgraphReply {
  status: number;
  cacheControl: string | null;
  text: string;
}

export interface SubgraphClient {
  post(url: string, init: { headers: Record<string, string>; body: string; signal: AbortSignal }): Promise<SubgraphReply>;
  close(): Promise<void>;
}

export interface SubgraphClientOptions {
  tls?: HubTls;
  /** Idle connections are kept this long (undici's keepAliveTimeout). */
  keepAliveMs?: number;
  /** Connections per subgraph at most (default SUBGRAPH_CONNECTIONS_DEFAULT). */
  connections?: number;
}

const SUBGRAPH_CONNECTIONS_DEFAULT = 32;
/**
 * How long an idle connection is kept when the other side gives no hint: shorter than
 * every idle timeout on the way (Node's server closes after 5 s and says so, which
 * undici follows; HAProxy's `timeout http-keep-alive` in the cluster is 10 s and says
 * nothing), so the gateway never sends a call on a connection the other side is closing.
 */
const SUBGRAPH_KEEP_ALIVE_DEFAULT_MS = 4_000;

export function createSubgraphClient(options: SubgraphClientOptions = {}): SubgraphClient {
  const { tls } = options;
  const agent = new Agent({
    keepAliveTimeout: options.keepAliveMs ?? SUBGRAPH_KEEP_ALIVE_DEFAULT_MS,
    connections: options.connections ?? SUBGRAPH_CONNECTIONS_DEFAULT,
    ...(tls ? { connect: { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: true } } : {}),
  });
  return {
    async post(url, { headers, body, signal }) {
      const response = await request(url, { method: 'POST', headers, body, signal, dispatcher: agent });
      const header = response.headers['cache-control'];
      return {
        status: response.statusCode,
        cacheControl: Array.isArray(header) ? header.join(', ') : (header ?? null),
        text: await response.body.text(),
      };
    },
    close: () => agent.close(),
  };
}
