// Serving an Apollo Server over Node HTTP (Express 5 with Apollo's official
// integration): POST /graphql and GET /health on the public port; GET /ready
// (readiness with its details) and GET /metrics on an admin port (the public
// port + 100 by default, on ADMIN_HOST, 127.0.0.1 by default), which the
// public network never reaches. Used
// by the gateway and every subgraph alike. Each GraphQL request gets a request
// id (the caller's `x-request-id` when it is a plain token), one log line when
// it ends (id, operation, caller's agency, duration, outcome, and at the
// gateway the subgraphs called) and its count and latency in the metrics.
// Closing drains: /ready answers 503 at once; for SHUTDOWN_DELAY_MS (0 by
// default) the service keeps serving, so that a balancer checking /ready takes
// it out of its pool before it stops accepting; then no new connections,
// requests in flight finish within a grace period, whatever is left is cut.
import { randomUUID } from 'node:crypto';
import http, { type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express, { type Request } from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import type { ApolloServer, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { admissionControl } from './admission';
import { intFromEnv } from '../core/config';
import type { Logger } from '../core/log';
import type { HubTls } from './tls';
import type { Outcome, ServiceMetrics } from './metrics';
import { endSpan, otelContext, startServerSpan, tracingEnabled } from './tracing';

/** What is known of one GraphQL request, filled in as it runs; logged and counted when it ends. */
export interface RequestRecord {
  requestId: string;
  /** The operation's name, as the client gave it or as it resolved. */
  operation?: string | null;
  /** The caller's agency, once authenticated. */
  agency?: string | null;
  /** Gateway: the subgraphs called for this request, in call order (each once). */
  subgraphs?: string[];
  outcome?: Outcome;
  /** Codes of the errors in the answer. */
  errorCodes?: string[];
}

const RECORD = Symbol.for('rule-of-law-hub.request-record');

/** The record of the request a GraphQL context belongs to (set by serveGraphQL). */
export function requestRecordOf(contextValue: unknown): RequestRecord | undefined {
  return (contextValue as { [RECORD]?: RequestRecord } | null)?.[RECORD];
}

const RAW_BODY = Symbol.for('rule-of-law-hub.raw-body');

/** The request body exactly as received (a subgraph checks its hash against the gateway identity's `bh`). */
export function rawBodyOf(req: Request): Buffer {
  return (req as unknown as { [RAW_BODY]?: Buffer })[RAW_BODY] ?? Buffer.alloc(0);
}

/** A caller's own request id is kept when it is a plain token; otherwise a new one. */
export function requestIdFrom(given: string | undefined): string {
  return given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

export interface Readiness {
  ready: boolean;
  [fact: string]: unknown;
}

export interface ServeOptions<Ctx extends BaseContext> {
  port: number;
  host?: string;
  /** GET /ready and /metrics (and /health) listen here (default: port + 100, or any free port when port is 0). */
  adminPort?: number;
  /** Where the admin port listens (default ADMIN_HOST, else 127.0.0.1). */
  adminHost?: string;
  /** Builds the per-request context. */
  context: (req: Request) => Promise<Ctx>;
  /** Serve the public port over mutual TLS: only clients with a certificate the CA signed connect (platform/server/tls.ts). */
  tls?: HubTls;
  /** Most GraphQL requests worked on at once; beyond, 503 OVERLOADED at once (platform/server/admission.ts; 0: no bound). */
  maxInFlight?: number;
  /** Largest accepted request body, e.g. '1mb'. */
  bodyLimit?: string;
  /** Facts for GET /ready; `ready: false` answers 503. */
  readiness?: () => Promise<Readiness>;
  /**
   * Mounts routes and middleware of the service's own before /graphql (the
   * gateway's front end, cross-origin rules): they see every request first.
   */
  routes?: (app: express.Express) => void;
  logger: Logger;
  metrics: ServiceMetrics;
  /** How long closing waits for requests in flight before cutting them. */
  shutdownGraceMs?: number;
  /** How long closing keeps accepting (answering /ready with 503) before it stops (default SHUTDOWN_DELAY_MS, else 0). */
  shutdownDelayMs?: number;
}

/** The admin port by default: the public one + 100 (a free one when the public port is chosen by the system). */
export function defaultAdminPort(port: number): number {
  return port === 0 ? 0 : port + 100;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The admin listener's base URL (GET /ready, /metrics), e.g. http://127.0.0.1:4100. */
  adminUrl: string;
  adminPort: number;
  server: http.Server | https.Server;
  /** GraphQL requests received since start (POST /graphql), whatever became of them. */
  graphqlRequests(): number;
  /** GraphQL requests being answered now. */
  inFlight(): number;
  /**
   * Stops accepting connections, lets requests in flight finish (at most
   * `graceMs`, default the server's shutdownGraceMs), then closes the rest.
   * Resolves to the number of requests that were cut.
   */
  close(graceMs?: number): Promise<number>;
}

const OUTCOME_RANK: Record<Outcome, number> = { ok: 0, partial: 1, error: 2, aborted: 3 };

/**
 * An Apollo plugin that fills in each request's record: its operation and what
 * became of it. Add it to every ApolloServer that serveGraphQL serves.
 */
export function requestRecordPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ contextValue, request }) {
      const record = requestRecordOf(contextValue);
      if (!record) return;
      record.operation = request.operationName;
      return {
        async didResolveOperation({ operationName }) {
          record.operation = operationName;
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          // A batched request's operations share one record: the worst outcome, every error code.
          const outcome: Outcome = !errors?.length ? 'ok' : data ? 'partial' : 'error';
          if (OUTCOME_RANK[outcome] >= OUTCOME_RANK[record.outcome ?? 'ok']) record.outcome = outcome;
          if (errors?.length) record.errorCodes = [...new Set([...(record.errorCodes ?? []), ...errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN'))])];
        },
      };
    },
  };
}

export async function serveGraphQL<Ctx extends BaseContext>(apollo: ApolloServer<Ctx>, options: ServeOptions<Ctx>): Promise<RunningServer> {
  const { logger, metrics } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  let stopping = false;
  const inFlight = new Set<ServerResponse>();

  options.routes?.(app);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness details and metrics (paths, versions, breakers) only on the admin port.
  const admin = express();
  admin.disable('x-powered-by');
  admin.disable('etag');
  admin.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  admin.get('/ready', async (_req, res) => {
    if (stopping) {
      res.status(503).json({ ready: false, stopping: true });
      return;
    }
    try {
      const state = options.readiness ? await options.readiness() : { ready: true };
      res.status(state.ready ? 200 : 503).json(state);
    } catch (error) {
      logger.error({ err: error }, 'readiness check failed');
      res.status(503).json({ ready: false });
    }
  });
  admin.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  });

  let graphqlRequests = 0;
  const finish = (record: RequestRecord, res: ServerResponse, started: number): void => {
    inFlight.delete(res);
    const seconds = (performance.now() - started) / 1000;
    const outcome: Outcome = !res.writableFinished ? 'aborted' : res.statusCode >= 400 ? 'error' : (record.outcome ?? 'ok');
    const operation = metrics.operationLabel(record.operation);
    metrics.requests.inc({ operation, outcome });
    metrics.requestDuration.observe({ operation, outcome }, seconds);
    logger.info(
      {
        requestId: record.requestId,
        operation: record.operation ?? null,
        agency: record.agency ?? null,
        durationMs: Math.round(seconds * 10_000) / 10,
        status: res.statusCode,
        outcome,
        ...(record.errorCodes ? { errors: record.errorCodes } : {}),
        ...(record.subgraphs ? { subgraphs: record.subgraphs } : {}),
      },
      'request',
    );
  };

  const recordOfRequest = (req: Request): RequestRecord => (req as unknown as { [RECORD]: RequestRecord })[RECORD];
  // After the body is read, so that Apollo's work runs within the span's context.
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

  const admission = admissionControl(options.maxInFlight ?? 0, metrics.registry);
  app.use(
    '/graphql',
    (req, res, next) => {
      graphqlRequests++;
      const started = performance.now();
      const record: RequestRecord = { requestId: requestIdFrom(req.header('x-request-id')) };
      (req as unknown as { [RECORD]: RequestRecord })[RECORD] = record;
      res.setHeader('x-request-id', record.requestId);
      // While stopping, requests arriving on kept-alive connections are answered, then the connection closes.
      if (stopping) res.setHeader('connection', 'close');
      inFlight.add(res);
      res.once('close', () => finish(record, res, started));
      next();
    },
    admission.middleware,
    express.json({
      limit: options.bodyLimit ?? '1mb',
      // Kept as received: the bytes the gateway's identity is bound to.
      verify: (req, _res, buffer) => {
        (req as unknown as { [RAW_BODY]: Buffer })[RAW_BODY] = buffer;
      },
    }),
    traced,
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const record = recordOfRequest(req);
        const contextValue = await options.context(req);
        const known = contextValue as { requestId?: string; viewer?: { agency?: string | null } };
        if (known.requestId) record.requestId = known.requestId;
        record.agency = known.viewer?.agency ?? null;
        (contextValue as { [RECORD]?: RequestRecord })[RECORD] = record;
        return contextValue;
      },
    }),
  );
  // Malformed JSON or an over-large body: a clear JSON error instead of an HTML page.
  app.use((error: { status?: number; type?: string }, _req: Request, res: express.Response, next: express.NextFunction) => {
    if (!error?.status || error.status >= 500) return next(error);
    const code = error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    res.status(error.status).json({ errors: [{ message: code === 'PAYLOAD_TOO_LARGE' ? 'Request body too large' : 'Malformed request body', extensions: { code } }] });
  });
  const server = options.tls
    ? https.createServer({ ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key, requestCert: true, rejectUnauthorized: true }, app)
    : http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const adminServer = http.createServer(admin);
  const adminHost = options.adminHost ?? process.env.ADMIN_HOST?.trim() ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      adminServer.once('error', reject);
      adminServer.listen(options.adminPort ?? defaultAdminPort(options.port), adminHost || '127.0.0.1', () => resolve());
    });
  } catch (error) {
    server.close();
    throw error;
  }
  const adminPort = (adminServer.address() as AddressInfo).port;
  const adminAddress = adminHost === '0.0.0.0' || adminHost === '' ? '127.0.0.1' : adminHost.includes(':') ? `[${adminHost}]` : adminHost;
  let closing: Promise<number> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://localhost:${port}/graphql`,
    port,
    adminUrl: `http://${adminAddress}:${adminPort}`,
    adminPort,
    server,
    graphqlRequests: () => graphqlRequests,
    inFlight: () => inFlight.size,
    close(graceMs = options.shutdownGraceMs ?? 10_000) {
      const delayMs = options.shutdownDelayMs ?? intFromEnv('SHUTDOWN_DELAY_MS', 0, 0, 120_000);
      // Out of the balancer's pool first (/ready 503, answers end their connection), then stop accepting.
      stopping = true;
      closing ??= new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(() => new Promise<number>((resolve) => {
        // Answers still to be sent end their connection; idle kept-alive connections close now.
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        let cut = 0;
        const timer = setTimeout(() => {
          cut = inFlight.size;
          if (cut) logger.warn({ requests: cut, graceMs }, 'grace period over: cutting requests still in flight');
          server.closeAllConnections();
        }, graceMs);
        server.close(() => {
          clearTimeout(timer);
          adminServer.close(() => resolve(cut));
          adminServer.closeAllConnections();
        });
        server.closeIdleConnections();
        // A connection whose last answer went out while stopping becomes idle: close it too.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.once('close', () => clearInterval(sweep));
      }));
      return closing;
    },
  };
}
