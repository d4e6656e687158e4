// POST /graphql on a service's public port (platform/server/http.ts), as a chain of
// Express handlers: the request's record (platform/server/request-record.ts) and its
// place among the requests in flight, admission control, the JSON body (also
// kept as received), the request's trace span, then Apollo. A malformed or
// over-large body is answered with a JSON error instead of an HTML page.
import { performance } from 'node:perf_hooks';
import express, { type Request } from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import type { ApolloServer, BaseContext } from '@apollo/server';
import type { Admission } from './admission';
import type { Drain } from './drain';
import type { Logger } from '../core/log';
import type { ServiceMetrics } from './metrics';
import { attachRecord, finishRequestRecord, recordOfRequest, startRequestRecord } from './request-record';
import { endSpan, otelContext, startServerSpan, tracingEnabled } from './tracing';

const RAW_BODY = Symbol.for('rule-of-law-hub.raw-body');

/** The request body exactly as received (a subgraph checks its hash against the gateway identity's `bh`). */
export function rawBodyOf(req: Request): Buffer {
  return (req as unknown as { [RAW_BODY]?: Buffer })[RAW_BODY] ?? Buffer.alloc(0);
}

export interface GraphQLRouteOptions<Ctx extends BaseContext> {
  context: (req: Request) => Promise<Ctx>;
  admission: Admission;
  bodyLimit?: string;
  drain: Drain;
  metrics: ServiceMetrics;
  logger: Logger;
}

/** Mounts POST /graphql; what it returns counts the GraphQL requests received, whatever became of them. */
export function mountGraphQL<Ctx extends BaseContext>(app: express.Express, apollo: ApolloServer<Ctx>, options: GraphQLRouteOptions<Ctx>): () => number {
  let received = 0;
  const recorded: express.RequestHandler = (req, res, next) => {
    received++;
    const started = performance.now();
    const record = startRequestRecord(req, res);
    options.drain.track(res);
    res.once('close', () => finishRequestRecord(record, res, started, options.metrics, options.logger));
    next();
  };
  app.use(
    '/graphql',
    recorded,
    options.admission.middleware,
    express.json({
      limit: options.bodyLimit ?? '1mb',
      // Kept as received: the bytes the gateway's identity is bound to.
      verify: (req, _res, buffer) => {
        (req as unknown as { [RAW_BODY]: Buffer })[RAW_BODY] = buffer;
      },
    }),
    traced,
    expressMiddleware(apollo, { context: async ({ req }) => attachRecord(recordOfRequest(req), await options.context(req)) }),
  );
  app.use(bodyErrors);
  return () => received;
}

/** The request's server span, after the body is read, so that Apollo's work runs within the span's context. */
const traced: express.RequestHandler = (req, res, next) => {
  if (!tracingEnabled()) return next();
  const record = recordOfRequest(req);
  const { span, context } = startServerSpan(`${req.method} /graphql`, req.headers, { 'hub.request_id': record.requestId });
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (record.operation) span.setAttribute('graphql.operation.name', record.operation);
    endSpan(span, res.statusCode >= 500 ? `HTTP ${res.statusCode}` : undefined);
  });
  otelContext.with(context, next);
};

/** Malformed JSON or an over-large body: a clear JSON error instead of an HTML page. */
function bodyErrors(error: { status?: number; type?: string }, _req: Request, res: express.Response, next: express.NextFunction): void {
  if (!error?.status || error.status >= 500) return next(error);
  const code = error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
  res.status(error.status).json({ errors: [{ message: code === 'PAYLOAD_TOO_LARGE' ? 'Request body too large' : 'Malformed request body', extensions: { code } }] });
}
