// Serving the front end's build (gateway/explorer.ts): a file as the client
// accepts it (its brotli or gzip copy), a page of it or, while the build is
// missing or stale (gateway/web-build.ts), the page that says why it is not
// served.
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../platform/core/log';
import { checkWebBuild, type BuildState } from './web-build';

const ENCODINGS = { br: '.br', gzip: '.gz' } as const;

/**
 * Sends a file of the build as the client accepts it: its brotli or gzip
 * copy when there is one, with the original's type. `send` (through Express)
 * handles HEAD, ETag and conditional requests.
 */
export async function sendBuilt(req: Request, res: Response, buildDir: string, file: string, cacheControl: string): Promise<void> {
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


/** A page of the build (`no-cache`), or 503 with unavailablePage while the build is missing or stale. */
export function builtPage(buildState: () => BuildState, buildDir: string, file: string): RequestHandler {
  return async (req, res, next) => {
    const current = buildState();
    if (!current.ok) {
      res.status(503).setHeader('Cache-Control', 'no-store').setHeader('Retry-After', '30').type('html').send(unavailablePage(current));
      return;
    }
    await sendBuilt(req, res, buildDir, file, 'no-cache').catch(next);
  };
}

/**
 * The build's state, checked now and again, at most once a second, when it is
 * asked for; a change is logged (a warning when it is not served).
 */
export function watchWebBuild(buildDir: string, webDir: string, logger: Logger): () => BuildState {
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
  return buildState;
}
