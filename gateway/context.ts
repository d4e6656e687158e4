// The gateway's per-request context: who the caller is, the request id, and
// the signed identity forwarded to every subgraph the request reaches.
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Identity } from '../platform/identity';
import type { Viewer } from '../platform/viewer';

export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
  /** The `x-hub-identity` token for this request, signed once on first use. */
  identityToken(): Promise<string>;
}

/** A caller's own request id is kept when it is a plain token; otherwise a new one. */
function requestIdOf(req: Request): string {
  const given = req.header('x-request-id');
  return given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

export function createContextFactory(
  authenticate: (authorization: string | undefined) => Promise<Viewer>,
  sign: (identity: Identity) => Promise<string>,
): (req: Request) => Promise<GatewayContext> {
  return async (req) => {
    const viewer = await authenticate(req.header('authorization'));
    const requestId = requestIdOf(req);
    let token: Promise<string> | undefined;
    return { viewer, requestId, identityToken: () => (token ??= sign({ viewer, requestId })) };
  };
}
