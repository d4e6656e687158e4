// Admission control (issue 18): a bound on the GraphQL requests a service
// works on at once. Beyond it a request is answered at once with HTTP 503,
// `Retry-After` and the code OVERLOADED, instead of queueing behind the others
// until everyone's deadline has passed. `/health` (and the admin port) are
// outside it. The gateway's bound is GATEWAY_MAX_IN_FLIGHT (default 16), each
// subgraph's SUBGRAPH_MAX_IN_FLIGHT (default 64).
import type { RequestHandler } from 'express';
import { Counter, type Registry } from 'prom-client';

export const GATEWAY_MAX_IN_FLIGHT_DEFAULT = 16;
export const SUBGRAPH_MAX_IN_FLIGHT_DEFAULT = 64;
/** What `Retry-After` says, in seconds. */
const RETRY_AFTER_SECONDS = 1;

export interface Admission {
  middleware: RequestHandler;
  /** Requests admitted and not yet answered. */
  inFlight(): number;
}

/** Admits at most `maxInFlight` requests at once; 0 admits all. */
export function admissionControl(maxInFlight: number, registry?: Registry): Admission {
  let inFlight = 0;
  const shed = registry
    ? new Counter({ name: 'hub_requests_shed_total', help: 'GraphQL requests answered 503 OVERLOADED at once because the service had its maximum in flight', registers: [registry] })
    : undefined;
  const middleware: RequestHandler = (_req, res, next) => {
    if (maxInFlight > 0 && inFlight >= maxInFlight) {
      shed?.inc();
      res.status(503).setHeader('retry-after', String(RETRY_AFTER_SECONDS));
      res.json({ errors: [{ message: 'The service is at capacity; retry after the time in Retry-After', extensions: { code: 'OVERLOADED' } }] });
      return;
    }
    inFlight++;
    res.once('close', () => {
      inFlight--;
    });
    next();
  };
  return { middleware, inFlight: () => inFlight };
}
