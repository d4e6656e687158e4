// Serving an Apollo Server over Node HTTP (Express 5 with Apollo's official
// integration): POST /graphql (platform/server/graphql-route.ts) and GET /health on
// the public port; GET /ready and GET /metrics on an admin port
// (platform/server/admin-routes.ts; the public port + 100 by default, on ADMIN_HOST,
// 127.0.0.1 by default), which the public network never reaches. Used by the
// gateway and every subgraph alike. Each GraphQL request is recorded, logged
// and counted (platform/server/request-record.ts); closing drains (platform/server/drain.ts).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import type { ApolloServer, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { admissionControl } from './admission';
import { adminRoutes, type Readiness } from './admin-routes';
import { intFromEnv } from '../core/config';
import { createDrain } from './drain';
import { mountGraphQL } from './graphql-route';
import type { Logger } from '../core/log';
import type { HubTls } from './tls';
import type { Outcome, ServiceMetrics } from './metrics';
import { requestRecordOf } from './request-record';

// What a service built on serveGraphQL reads of a request, from where it is kept.
export type { Readiness } from './admin-routes';
export { rawBodyOf } from './graphql-route';
export { requestRecordOf } from './request-record';

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
  const drain = createDrain(logger);
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  options.routes?.(app);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const admission = admissionControl(options.maxInFlight ?? 0, metrics.registry);
  const graphqlRequests = mountGraphQL(app, apollo, { context: options.context, admission, bodyLimit: options.bodyLimit, drain, metrics, logger });
  const server = options.tls
    ? https.createServer({ ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key, requestCert: true, rejectUnauthorized: true }, app)
    : http.createServer(app);
  const port = await listen(server, options.port, options.host ?? '0.0.0.0');
  const admin = await listenAdmin(adminRoutes({ readiness: options.readiness, stopping: drain.stopping, metrics, logger }), options, server);
  return {
    url: `${options.tls ? 'https' : 'http'}://localhost:${port}/graphql`,
    port,
    adminUrl: admin.url,
    adminPort: admin.port,
    server,
    graphqlRequests,
    inFlight: drain.inFlight,
    close(graceMs = options.shutdownGraceMs ?? 10_000) {
      const delayMs = options.shutdownDelayMs ?? intFromEnv('SHUTDOWN_DELAY_MS', 0, 0, 120_000);
      return drain.close({ server, adminServer: admin.server }, graceMs, delayMs);
    },
  };
}

/** Listens; resolves to the port listened on (the one the system chose for port 0). */
function listen(server: http.Server | https.Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** The admin routes on their own listener; the public server is closed again when it cannot listen. */
async function listenAdmin(
  admin: express.Express,
  options: Pick<ServeOptions<BaseContext>, 'port' | 'adminPort' | 'adminHost'>,
  server: http.Server | https.Server,
): Promise<{ server: http.Server; port: number; url: string }> {
  const adminServer = http.createServer(admin);
  const adminHost = options.adminHost ?? process.env.ADMIN_HOST?.trim() ?? '127.0.0.1';
  let port: number;
  try {
    port = await listen(adminServer, options.adminPort ?? defaultAdminPort(options.port), adminHost || '127.0.0.1');
  } catch (error) {
    server.close();
    throw error;
  }
  const address = adminHost === '0.0.0.0' || adminHost === '' ? '127.0.0.1' : adminHost.includes(':') ? `[${adminHost}]` : adminHost;
  return { server: adminServer, port, url: `http://${address}:${port}` };
}
