// The gateway's per-request context: who the caller is, the request id, the
// request's deadline, and the signed identity forwarded with each subgraph
// call (one per call: platform/access/identity.ts).
import type { Request } from 'express';
import { requestIdFrom, requestRecordOf } from '../platform/server/request-record';
import type { Identity, IdentityCall } from '../platform/access/identity';
import type { Viewer } from '../platform/core/viewer';

export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
  /** When the request's time is up (epoch ms): no subgraph call outlives it. */
  deadline: number;
  /** The `x-hub-identity` token for one subgraph call: that subgraph, that body, that call's timeout. */
  identityFor(call: IdentityCall): string;
  /** The subgraphs that reported a committed write for this request (or may have: a mutation call without an answer). */
  committedWrites: Set<string>;
}

export function createContextFactory(
  authenticate: (authorization: string | undefined) => Promise<Viewer>,
  sign: (identity: Identity, call: IdentityCall) => string,
  requestTimeoutMs: number,
): (req: Request) => Promise<GatewayContext> {
  return async (req) => {
    // The deadline counts from the request's arrival, authentication included.
    const deadline = Date.now() + requestTimeoutMs;
    const viewer = await authenticate(req.header('authorization'));
    // The id serveGraphQL gave the request (the caller's own when it is a plain token).
    const requestId = requestRecordOf(req)?.requestId ?? requestIdFrom(req.header('x-request-id'));
    return { viewer, requestId, deadline, identityFor: (call) => sign({ viewer, requestId }, call), committedWrites: new Set<string>() };
  };
}
