// The gateway serves the hub's front end itself (web/, built into web/dist):
//   GET /                    the dashboard (web/dashboard), `no-cache`
//   GET /explorer            the explorer page (GraphiQL), `no-cache`
//   GET /assets/<hashed>     its scripts, styles, fonts and workers, cached for a year (`immutable`)
//   GET /explorer/config     the registered operations (read from schema/operations now), the introspection policy
//   POST /explorer/dev-token development tokens for example callers; not mounted in production
//   GET /graphql from a browser (Accept: text/html) redirects to /explorer
// Files are sent as brotli or gzip, precompressed by the build, as the client
// accepts; every answer carries a Content-Security-Policy allowing nothing
// outside the hub, and the usual security headers (helmet). A build that is
// missing or older than its sources is never served: the page answers 503 and
// says why, and the gateway logs a warning (gateway/web-build.ts).
import express, { type Request } from 'express';
import helmet from 'helmet';
import type { Logger } from '../platform/core/log';
import type { AuthConfig } from './auth';
import { acceptsDevTokens, DEV_TOKEN_ROLES, signDevToken } from './dev-tokens';
import type { DevTokenAnswer, ExplorerConfig } from './explorer-config';
import type { IntrospectionPolicy } from './limits';
import { registeredOperations } from './registered-operations';
import { WEB_BUILD_DIR, WEB_DIR, type BuildState } from './web-build';
import { builtPage, sendBuilt, watchWebBuild } from './web-files';

const EXPLORER_PATH = '/explorer';
/** The dashboard (issue 14): the hub's front page. */
const DASHBOARD_PATH = '/';
const ASSETS_PATH = '/assets';

/**
 * Nothing from outside the hub: scripts, workers, styles, fonts, images and
 * requests from its own origin only. Styles may also be inline: the Monaco
 * editor writes its theme and layout into <style> elements at run time (and
 * inline CSS can fetch nothing: fonts and images are limited to the hub).
 * GraphiQL's stylesheet carries its fonts inside it as data: URIs.
 */
export const CONTENT_SECURITY_POLICY: Readonly<Record<string, string[]>> = Object.freeze({
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  workerSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  fontSrc: ["'self'", 'data:'],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
});

export interface ExplorerOptions {
  /** The built front end (default WEB_BUILD_DIR). */
  buildDir?: string;
  /** Its sources, compared with the build's stamp (default web/; a folder that does not exist: the stamp alone). */
  webDir?: string;
  /** The gateway's introspection policy, told to the page. */
  introspection: IntrospectionPolicy;
  /** How the gateway verifies tokens: development tokens are handed out only when it is the development key, never in production. */
  auth: AuthConfig;
  logger: Logger;
}

/** Apollo's rule for its landing page: a browser navigating (HTML preferred over JSON). */
function prefersHtml(req: Request): boolean {
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

/** Mounts the explorer's routes on the gateway's Express app (serveGraphQL's `routes` hook). */
export function explorerRoutes(options: ExplorerOptions): (app: express.Express) => void {
  const buildDir = options.buildDir ?? WEB_BUILD_DIR;
  const buildState = watchWebBuild(buildDir, options.webDir ?? WEB_DIR, options.logger);
  const headers = securityHeaders();
  const failed = failedRoute(options.logger);
  return (app) => {
    app.get('/graphql', (req, res, next) => (prefersHtml(req) ? res.redirect(302, EXPLORER_PATH) : next()));
    app.use(EXPLORER_PATH, explorerPage(options, buildState, buildDir, headers, failed));
    // The dashboard: the same build, headers and refusal of a missing or stale build as the explorer.
    app.get(DASHBOARD_PATH, ...headers, builtPage(buildState, buildDir, 'dashboard/index.html'));
    app.use(ASSETS_PATH, assetFiles(buildDir, headers, failed));
  };
}

/** The Content-Security-Policy and the other security headers of every answer. */
function securityHeaders(): express.RequestHandler[] {
  const security = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY } },
    // HTTPS and its Strict-Transport-Security are the TLS terminator's to decide.
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  const permissions: express.RequestHandler = (_req, res, next) => {
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    next();
  };
  return [security, permissions];
}

/** A short answer of its own, never Express's page (which shows the stack outside production). */
function failedRoute(logger: Logger): express.ErrorRequestHandler {
  return (error: { status?: number; statusCode?: number }, _req, res, next) => {
    const status = error?.status ?? error?.statusCode ?? 500;
    if (status >= 500) logger.error({ err: error }, 'explorer route failed');
    if (res.headersSent) return next(error);
    res.status(status).setHeader('Cache-Control', 'no-store').type('text').send(status === 404 ? 'Not found' : status < 500 ? 'Bad request' : 'Internal server error');
  };
}

/** /explorer: the page, its configuration and, for a development gateway, development tokens. */
function explorerPage(
  options: ExplorerOptions,
  buildState: () => BuildState,
  buildDir: string,
  headers: express.RequestHandler[],
  failed: express.ErrorRequestHandler,
): express.Router {
  const devTokens = acceptsDevTokens(options.auth);
  const page = express.Router();
  page.use(...headers);
  page.get('/', builtPage(buildState, buildDir, 'explorer/index.html'));
  page.get('/config', (_req, res) => {
    const config: ExplorerConfig = {
      graphqlPath: '/graphql',
      introspection: options.introspection,
      operations: registeredOperations(),
      devTokens: devTokens ? DEV_TOKEN_ROLES.map(({ id, label, description }) => ({ id, label, description })) : null,
    };
    res.setHeader('Cache-Control', 'no-store').json(config);
  });
  if (devTokens) page.post('/dev-token', express.json({ limit: '1kb' }), devToken);
  page.use(failed);
  return page;
}

/** A development token for the role asked for. */
const devToken: express.RequestHandler = async (req, res, next) => {
  const role = DEV_TOKEN_ROLES.find((r) => r.id === (req.body as { role?: unknown } | undefined)?.role);
  if (!role) {
    res.status(400).json({ error: `role must be one of ${DEV_TOKEN_ROLES.map((r) => r.id).join(', ')}` });
    return;
  }
  try {
    const answer: DevTokenAnswer = { role: role.id, token: role.claims ? await signDevToken(role.claims) : null };
    res.setHeader('Cache-Control', 'no-store').json(answer);
  } catch (error) {
    next(error);
  }
};

/** /assets: Vite's file names only (name-hash.ext), cached for a year; nothing else under the build is reachable. */
function assetFiles(buildDir: string, headers: express.RequestHandler[], failed: express.ErrorRequestHandler): express.Router {
  const assets = express.Router();
  assets.use(...headers);
  assets.get(/^\/[\w.-]+$/, async (req, res, next) => {
    const name = req.path.slice(1);
    if (/\.(br|gz)$/.test(name) || name.startsWith('.')) return next();
    await sendBuilt(req, res, buildDir, `assets/${name}`, 'public, max-age=31536000, immutable').catch((error: { status?: number }) =>
      error?.status === 404 ? next() : next(error),
    );
  });
  assets.use((_req, res) => {
    res.status(404).setHeader('Cache-Control', 'no-store').type('text').send('Not found');
  });
  assets.use(failed);
  return assets;
}
