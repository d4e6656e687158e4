// Serving an Apollo Server over Node HTTP (Express 5 with Apollo's official
// integration): POST /graphql, GET /health, GET /ready. Used by the gateway and
// every subgraph alike.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import type { ApolloServer, BaseContext } from '@apollo/server';

export interface ServeOptions<Ctx extends BaseContext> {
  port: number;
  host?: string;
  /** Builds the per-request context. */
  context: (req: Request) => Promise<Ctx>;
  /** Largest accepted request body, e.g. '1mb'. */
  bodyLimit?: string;
  /** Facts for GET /ready; `ready: false` answers 503. */
  readiness?: () => Promise<{ ready: boolean } & Record<string, unknown>>;
}

export interface RunningServer {
  url: string;
  port: number;
  server: http.Server;
  /** GraphQL requests received since start (POST /graphql), whatever became of them. */
  graphqlRequests(): number;
  close(): Promise<void>;
}

export async function serveGraphQL<Ctx extends BaseContext>(
  apollo: ApolloServer<Ctx>,
  options: ServeOptions<Ctx>,
): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const state = options.readiness ? await options.readiness() : { ready: true };
    res.status(state.ready ? 200 : 503).json(state);
  });
  let graphqlRequests = 0;
  app.use(
    '/graphql',
    (_req, _res, next) => {
      graphqlRequests++;
      next();
    },
    express.json({ limit: options.bodyLimit ?? '1mb' }),
    expressMiddleware(apollo, { context: ({ req }) => options.context(req) }),
  );
  // Malformed JSON or an over-large body: a clear JSON error instead of an HTML page.
  app.use((error: { status?: number; type?: string }, _req: Request, res: express.Response, next: express.NextFunction) => {
    if (!error?.status || error.status >= 500) return next(error);
    const code = error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
    res.status(error.status).json({ errors: [{ message: code === 'PAYLOAD_TOO_LARGE' ? 'Request body too large' : 'Malformed request body', extensions: { code } }] });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    server,
    graphqlRequests: () => graphqlRequests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
