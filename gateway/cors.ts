// Cross-origin requests: dashboards served from another origin may call
// /graphql from a browser when their origin is listed (GATEWAY_CORS_ORIGINS;
// none by default), with the expressjs `cors` middleware mounted through
// serveGraphQL's `routes` hook. A preflight from a listed origin is answered
// 204 with what it may send; from any other origin it is refused (403, and no
// CORS header, so the browser sends nothing). Other requests are served as
// before, with CORS headers only for a listed origin, so a browser shows the
// answer to that origin alone. Apollo's CSRF prevention (gateway/limits.ts)
// stays on: a request a browser sends without asking first (a GET, or a POST
// as text/plain or a form) is refused whatever its origin.
import cors, { type CorsOptions } from 'cors';
import type express from 'express';
import { stringFromEnv } from '../platform/core/config';

/** The request headers a dashboard may send: JSON bodies, its token, Apollo's preflight markers, a request id. */
const ALLOWED_HEADERS = ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'];
/** How long a browser may reuse a preflight's answer (seconds). */
const PREFLIGHT_MAX_AGE = 600;

/** GATEWAY_CORS_ORIGINS: origins (scheme://host[:port]) separated by commas or spaces; none by default. */
export function corsOriginsFromEnv(): string[] {
  const raw = stringFromEnv('GATEWAY_CORS_ORIGINS');
  return raw ? raw.split(/[\s,]+/).filter(Boolean).map(checkOrigin) : [];
}

function checkOrigin(origin: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
    throw new Error(`GATEWAY_CORS_ORIGINS takes origins like https://dashboard.example.org (scheme, host and port only; no "*", path or trailing slash), not "${origin}"`);
  }
  return origin;
}

/** The routes hook mounting the cross-origin rules on /graphql for these origins. */
export function crossOriginRoutes(origins: readonly string[]): (app: express.Express) => void {
  const allowed = new Set(origins.map(checkOrigin));
  const options: CorsOptions = {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: ['x-request-id'],
    maxAge: PREFLIGHT_MAX_AGE,
    credentials: false,
  };
  const corsHeaders = cors(options);
  return (app) => {
    app.options('/graphql', (req, res, next) => {
      const origin = req.header('origin');
      if (origin !== undefined && allowed.has(origin)) return corsHeaders(req, res, next);
      res.vary('Origin');
      res.status(403).json({ errors: [{ message: 'Cross-origin requests from this origin are not allowed', extensions: { code: 'FORBIDDEN' } }] });
    });
    app.use('/graphql', (req, res, next) => {
      // The answer differs by Origin (CORS headers or none): caches must keep them apart.
      res.vary('Origin');
      corsHeaders(req, res, next);
    });
  };
}
