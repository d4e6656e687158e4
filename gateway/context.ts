// The gateway's per-request context: who the caller is, the request id, the
// request's deadline, and the signed identity forwarded to every subgraph the
// request reaches.
import type { Request } from 'express';
import { requestIdFrom, requestRecordOf } from '../platform/http';
import type { Identity } from '../platform/identity';
import type { Viewer } from '../platform/viewer';

export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
  /** When the request's time is up (epoch ms): no subgraph call outlives it. */
  deadline: number;
  /** The `x-hub-identity` token for this request, signed once on first use. */
  identityToken(): Promise<string>;
}

export function createContextFactory(
  authenticate: (authorization: string | undefined) => Promise<Viewer>,
  sign: (identity: Identity) => Promise<string>,
  requestTimeoutMs: number,
): (req: Request) => Promise<GatewayContext> {
  return async (req) => {
    // The deadline counts from the request's arrival, authentication included.
    const deadline = Date.now() + requestTimeoutMs;
    const viewer = await authenticate(req.header('authorization'));
    // The id serveGraphQL gave the request (the caller's own when it is a plain token).
    const requestId = requestRecordOf(req)?.requestId ?? requestIdFrom(req.header('x-request-id'));
    let token: Promise<string> | undefined;
    return { viewer, requestId, deadline, identityToken: () => (token ??= sign({ viewer, requestId })) };
  };
}
