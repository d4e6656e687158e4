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
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import helmet from 'helmet';
import type { Logger } from '../platform/log';
import { operationFiles } from '../schema/compose';
import type { AuthConfig } from './auth';
import { acceptsDevTokens, DEV_TOKEN_ROLES, signDevToken } from './dev-tokens';
import type { DevTokenAnswer, ExplorerConfig, RegisteredOperation } from './explorer-config';
import type { IntrospectionPolicy } from './limits';
import { checkWebBuild, WEB_BUILD_DIR, WEB_DIR, type BuildState } from './web-build';

const EXPLORER_PATH = '/explorer';
/** The dashboard (issue 14): the hub's front page. */
const DASHBOARD_PATH = '/';
const ASSETS_PATH = '/assets';
/** The registered operation the explorer opens first. */
const FIRST_OPERATION_FILE = 'region-scorecard.graphql';
/** Example values for the registered operations' variables, by name: Aksu prefecture (and its counties), 2023. */
const EXAMPLE_VARIABLES: Readonly<Record<string, unknown>> = Object.freeze({
  code: '652900',
  period: { from: '2023-01-01', to: '2023-12-31' },
  year: 2023,
});

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

/** The first operation of a registered document, its leading comment and example variables. */
function registeredOperation(file: string): RegisteredOperation {
  const query = readFileSync(file, 'utf8');
  const description = (/^(?:#.*\n)+/.exec(query)?.[0] ?? '')
    .split('\n')
    .map((line) => line.replace(/^#\s?/, '').trim())
    .filter(Boolean)
    .join(' ');
  let operation: OperationDefinitionNode | undefined;
  try {
    operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  } catch {
    // An unparsable file is shown as it is: GraphiQL marks the error (npm run compose refuses it).
  }
  const variables = Object.fromEntries(
    (operation?.variableDefinitions ?? [])
      .map((definition) => definition.variable.name.value)
      .filter((name) => name in EXAMPLE_VARIABLES)
      .map((name) => [name, EXAMPLE_VARIABLES[name]]),
  );
  return { name: operation?.name?.value ?? path.basename(file, '.graphql'), file: path.basename(file), description, query, variables };
}

/** The registry's operations as they are on disk now, the scorecard first. */
function registeredOperations(): RegisteredOperation[] {
  const rank = (file: string) => (path.basename(file) === FIRST_OPERATION_FILE ? 0 : 1);
  return operationFiles()
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map(registeredOperation);
}

/** Apollo's rule for its landing page: a browser navigating (HTML preferred over JSON). */
function prefersHtml(req: Request): boolean {
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

const ENCODINGS = { br: '.br', gzip: '.gz' } as const;

/**
 * Sends a file of the build as the client accepts it: its brotli or gzip
 * copy when there is one, with the original's type. `send` (through Express)
 * handles HEAD, ETag and conditional requests.
 */
async function sendBuilt(req: Request, res: Response, buildDir: string, file: string, cacheControl: string): Promise<void> {
  res.vary('Accept-Encoding');
  res.type(path.extname(file));
  // The smallest the client accepts at all: brotli, then gzip (browsers list gzip first, at the same weight).
  const wanted = (['br', 'gzip'] as const).find((encoding) => req.acceptsEncodings(encoding) === encoding);
  let served = file;
  if (wanted) {
    const compressed = file + ENCODINGS[wanted];
    if (await access(path.join(buildDir, compressed)).then(() => true, () => false)) {
      served = compressed;
      res.setHeader('Content-Encoding', wanted);
    }
  }
  await new Promise<void>((resolve, reject) => {
    res.sendFile(served, { root: buildDir, dotfiles: 'deny', cacheControl: false, headers: { 'Cache-Control': cacheControl } }, (error) => {
      if (error && !res.headersSent) {
        res.removeHeader('Content-Encoding');
        reject(error);
      } else resolve();
    });
  });
}

function unavailablePage(state: Exclude<BuildState, { ok: true }>): string {
  const why =
    state.reason === 'missing'
      ? 'The explorer has not been built on this machine.'
      : 'The explorer on this machine was built from older sources than the ones it has now, so it is not served.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Explorer unavailable · Rule-of-law hub</title></head>
<body>
<h1>The explorer is not available (503)</h1>
<p>${why}</p>
<p>Build it with <code>npm run build:web</code> (<code>npm start</code> builds it by itself when it is missing or stale), then reload this page.</p>
<p>The GraphQL API at <code>/graphql</code> is not affected.</p>
</body></html>
`;
}

/** Mounts the explorer's routes on the gateway's Express app (serveGraphQL's `routes` hook). */
export function explorerRoutes(options: ExplorerOptions): (app: express.Express) => void {
  const buildDir = options.buildDir ?? WEB_BUILD_DIR;
  const webDir = options.webDir ?? WEB_DIR;
  const { logger } = options;
  const devTokens = acceptsDevTokens(options.auth);

  // Checked at start and again, at most once a second, when the page is asked for; a change is logged.
  let state: BuildState | undefined;
  let checkedAt = 0;
  const buildState = (): BuildState => {
    if (state && Date.now() - checkedAt < 1000) return state;
    const previous = state;
    state = checkWebBuild({ buildDir, webDir });
    checkedAt = Date.now();
    if (!state.ok && (previous === undefined || previous.ok || previous.reason !== state.reason)) {
      logger.warn({ buildDir, reason: state.reason }, `explorer not served: ${state.message}; run npm run build:web`);
    } else if (state.ok && previous && !previous.ok) {
      logger.info({ builtAt: state.stamp.builtAt }, 'explorer build found: serving it');
    }
    return state;
  };
  buildState();

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

  // A short answer of its own, never Express's page (which shows the stack outside production).
  const failed: express.ErrorRequestHandler = (error: { status?: number; statusCode?: number }, _req, res, next) => {
    const status = error?.status ?? error?.statusCode ?? 500;
    if (status >= 500) logger.error({ err: error }, 'explorer route failed');
    if (res.headersSent) return next(error);
    res.status(status).setHeader('Cache-Control', 'no-store').type('text').send(status === 404 ? 'Not found' : status < 500 ? 'Bad request' : 'Internal server error');
  };

  return (app) => {
    app.get('/graphql', (req, res, next) => (prefersHtml(req) ? res.redirect(302, EXPLORER_PATH) : next()));

    const page = express.Router();
    page.use(security, permissions);
    page.get('/', async (req, res, next) => {
      const current = buildState();
      if (!current.ok) {
        res.status(503).setHeader('Cache-Control', 'no-store').setHeader('Retry-After', '30').type('html').send(unavailablePage(current));
        return;
      }
      await sendBuilt(req, res, buildDir, 'explorer/index.html', 'no-cache').catch(next);
    });
    page.get('/config', (_req, res) => {
      const config: ExplorerConfig = {
        graphqlPath: '/graphql',
        introspection: options.introspection,
        operations: registeredOperations(),
        devTokens: devTokens ? DEV_TOKEN_ROLES.map(({ id, label, description }) => ({ id, label, description })) : null,
      };
      res.setHeader('Cache-Control', 'no-store').json(config);
    });
    if (devTokens) {
      page.post('/dev-token', express.json({ limit: '1kb' }), async (req, res, next) => {
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
      });
    }
    page.use(failed);
    app.use(EXPLORER_PATH, page);

    // The dashboard: the same build, headers and refusal of a missing or stale build as the explorer.
    app.get(DASHBOARD_PATH, security, permissions, async (req, res, next) => {
      const current = buildState();
      if (!current.ok) {
        res.status(503).setHeader('Cache-Control', 'no-store').setHeader('Retry-After', '30').type('html').send(unavailablePage(current));
        return;
      }
      await sendBuilt(req, res, buildDir, 'dashboard/index.html', 'no-cache').catch(next);
    });

    const assets = express.Router();
    assets.use(security, permissions);
    // Vite's file names only (name-hash.ext): nothing else under the build is reachable.
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
    app.use(ASSETS_PATH, assets);
  };
}
