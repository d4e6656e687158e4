// How operators' commands (`npm run import`, `npm run rollups`) talk to a
// running hub: GraphQL over HTTP to the gateway, with the operator's own token
// (HUB_TOKEN), like any other caller. A request the hub may not have received
// or finished (no connection, 502/503/504, a subgraph unavailable or out of
// time) is sent again a few times: every operator mutation is safe to repeat
// (imports are idempotent by requestId, checks read, rebuilds recompute).
import { setTimeout as sleep } from 'node:timers/promises';
import { intFromEnv, stringFromEnv } from '../platform/core/config';

export interface HubConnection {
  /** The gateway's GraphQL endpoint. */
  url: string;
  /** The operator's token (a JWT from the identity provider, or `npm run token` in development). */
  token?: string;
}

/** HUB_URL (default: the local gateway, on GATEWAY_PORT) and HUB_TOKEN. */
export function hubConnectionFromEnv(url?: string): HubConnection {
  return {
    url: url ?? stringFromEnv('HUB_URL') ?? `http://localhost:${intFromEnv('GATEWAY_PORT', 4000, 1, 65535)}/graphql`,
    token: stringFromEnv('HUB_TOKEN'),
  };
}

/** A request the hub refused or could not answer; `code` is the GraphQL error code, or the HTTP failure's. */
export class HubRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** Worth sending again: the hub may not have received or finished it. */
    readonly transient: boolean,
  ) {
    super(message);
  }
}

/** How long a request may wait for its answer before it counts as lost (and is sent again). */
const ANSWER_TIMEOUT_MS = 120_000;

const TRANSIENT_CODES = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT', 'HTTP_502', 'HTTP_503', 'HTTP_504', 'NO_CONNECTION']);

export interface CallOptions {
  /** Sent as x-request-id: the gateway and the subgraph log it, and audit records carry it. */
  requestId?: string;
  signal?: AbortSignal;
  /** Further tries of a transient failure (default 2), after 0.5 s, then 1 s, ... */
  retries?: number;
}

async function post(hub: HubConnection, body: string, options: CallOptions): Promise<{ status: number; json: unknown }> {
  let response: Response;
  try {
    response = await fetch(hub.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(hub.token ? { authorization: `Bearer ${hub.token}` } : {}),
        ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
      },
      body,
      // The gateway answers within its request deadline (15 s by default); this only ends a connection that hangs.
      signal: AbortSignal.any([AbortSignal.timeout(ANSWER_TIMEOUT_MS), ...(options.signal ? [options.signal] : [])]),
    });
  } catch (error) {
    if (options.signal?.aborted) throw new HubRequestError('interrupted', 'ABORTED', false);
    if ((error as Error).name === 'TimeoutError') throw new HubRequestError(`no answer from ${hub.url} within ${ANSWER_TIMEOUT_MS / 1000} s`, 'NO_CONNECTION', true);
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new HubRequestError(`no answer from ${hub.url} (${cause})`, 'NO_CONNECTION', true);
  }
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    return { status: response.status, json: undefined };
  }
}

/** Sends one GraphQL operation; resolves to its data, or throws HubRequestError when the operation failed as a whole. */
export async function callHub<T>(hub: HubConnection, query: string, variables: Record<string, unknown>, options: CallOptions = {}): Promise<T> {
  const body = JSON.stringify({ query, variables });
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      return await once<T>(hub, body, options);
    } catch (error) {
      if (!(error instanceof HubRequestError) || !error.transient || attempt >= retries || options.signal?.aborted) throw error;
      await sleep(500 * 2 ** attempt, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
}

async function once<T>(hub: HubConnection, body: string, options: CallOptions): Promise<T> {
  const { status, json } = await post(hub, body, options);
  const result = json as { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] } | undefined;
  const error = result?.errors?.[0];
  if (result?.data && !error) return result.data;
  if (error) {
    const code = error.extensions?.code ?? `HTTP_${status}`;
    throw new HubRequestError(error.message, code, TRANSIENT_CODES.has(code));
  }
  const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : `HTTP_${status}`;
  throw new HubRequestError(`the hub answered HTTP ${status} without a GraphQL result`, code, TRANSIENT_CODES.has(code));
}
