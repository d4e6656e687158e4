// The admin port's routes (platform/server/http.ts): GET /health, GET /ready
// (readiness with its details: paths, versions, breakers) and GET /metrics
// (Prometheus). They are served only there, never on the public port.
import express from 'express';
import type { Logger } from '../core/log';
import type { ServiceMetrics } from './metrics';

export interface Readiness {
  ready: boolean;
  [fact: string]: unknown;
}

export interface AdminRoutesOptions {
  /** Facts for GET /ready; `ready: false` answers 503. */
  readiness?: () => Promise<Readiness>;
  /** True once the service is closing: /ready answers 503 whatever the facts. */
  stopping: () => boolean;
  metrics: ServiceMetrics;
  logger: Logger;
}

export function adminRoutes(options: AdminRoutesOptions): express.Express {
  const { metrics, logger } = options;
  const admin = express();
  admin.disable('x-powered-by');
  admin.disable('etag');
  admin.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  admin.get('/ready', async (_req, res) => {
    if (options.stopping()) {
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
  return admin;
}
