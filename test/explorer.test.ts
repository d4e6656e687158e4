// The explorer (issue 13): the gateway serving the built front end (caching,
// compression, CSP, the /graphql redirect, its configuration, development
// tokens only in development, a missing or stale build refused with 503), and
// the page itself in headless Chromium with every request outside the hub
// blocked: it loads, runs the scorecard with the hub's own figures, lists
// Region in its docs, shows BAD_USER_INPUT, shows applicants only with a legal
// aid token, and says plainly when introspection needs an analyst token.
// Screenshots of each state: test-output/browser/*.png.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { authConfigFromEnv } from '../gateway/auth';
import type { ExplorerConfig } from '../gateway/explorer-config';
import { CONTENT_SECURITY_POLICY } from '../gateway/explorer';
import type { GatewayOptions, RunningGateway } from '../gateway/gateway';
import { checkWebBuild, STAMP_FILE, WEB_PAGES, webSourcesHash } from '../gateway/web-build';
import { createLogger } from '../platform/core/log';
import { OPERATIONS_DIR } from '../schema/compose';
import { describeInBrowser, launchChromium, openHubPage, visibleText, waitForText, type HubPage } from './browser';
import { npmRun, signToken, startHub, startGatewayOverHub, type Hub } from './harness';

const SCORECARD = readFileSync(path.join(OPERATIONS_DIR, 'region-scorecard.graphql'), 'utf8');
const CASES = `# Wensu county's first legal aid cases, with their applicants
query WensuCases {
  region(code: "652922") {
    legalAidCases(first: 5) {
      totalCount
      nodes { caseNumber applicant { name } }
    }
  }
}`;
const LEGAL_AID_CASE_WORKER = { sub: 'case-worker', agency: 'legal-aid', scope: 'legal-aid:cases legal-aid:pii', regions: ['652922'] };

let hub: Hub;
let base: string;
const gateways: RunningGateway[] = [];

/** Another gateway over the test hub's subgraphs. */
const gatewayOverHub = (options: Partial<GatewayOptions>) => startGatewayOverHub(hub, gateways, options);

/** A gateway started with NODE_ENV=production (restored once it runs). */
async function productionGateway(options: Partial<GatewayOptions> = {}) {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await gatewayOverHub(options);
  } finally {
    process.env.NODE_ENV = before;
  }
}

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createLogger('gateway', { level: 'warn', destination }), lines };
}

beforeAll(async () => {
  // npm test builds the front end first; a single run of this file may not have.
  expect(checkWebBuild()).toMatchObject({ ok: true });
  hub = await startHub({});
  base = hub.gateway.url.replace(/\/graphql$/, '');
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await hub?.stop();
});

describe('the gateway serves the explorer', () => {
  test('GET /explorer: the page, not cached, with a CSP allowing nothing outside the hub and the security headers', async () => {
    const response = await fetch(`${base}/explorer`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // No wildcard, no scheme or host beyond the hub's own ('self') and inline data (fonts).
    expect(csp).not.toMatch(/\*|https?:|ws:|wss:|blob:/);
    for (const sources of Object.values(CONTENT_SECURITY_POLICY)) for (const source of sources) expect(["'none'", "'self'", "'unsafe-inline'", 'data:']).toContain(source);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('x-powered-by')).toBeNull();
    const html = await response.text();
    expect(html).toContain('<div id="explorer">');
    // Every script and style of the page is the hub's, under /assets/.
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(1);
    for (const source of sources) expect(source).toMatch(/^\/assets\/[\w.-]+$/);
  });

  test('hashed assets: cached for a year, immutable, sent as brotli or gzip as accepted, with their own type', async () => {
    const html = await (await fetch(`${base}/explorer`)).text();
    const script = /src="(\/assets\/[\w.-]+\.js)"/.exec(html)![1];
    const plain = await fetch(`${base}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/Accept-Encoding/i);
    const original = Buffer.from(await plain.arrayBuffer());
    // Node's fetch would decode; a raw request shows what is sent.
    const raw = async (encoding: string) => {
      const http = await import('node:http');
      return new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        http
          .get(`${base}${script}`, { headers: { 'accept-encoding': encoding } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          })
          .on('error', reject);
      });
    };
    const br = await raw('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.body.length).toBeLessThan(original.length / 2);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
    const gz = await raw('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(original)).toBe(true);
    // The precompressed copies, the build's manifest and anything else are not reachable as files.
    for (const other of [`${script}.br`, '/assets/../build-stamp.json', '/assets/.vite/manifest.json', '/assets/nothing-here.js']) {
      const response = await fetch(`${base}${other}`);
      expect(response.status).toBe(404);
    }
  });

  test('a browser asking for /graphql is sent to the explorer; GraphQL clients are not, and Apollo’s landing page is off', async () => {
    const browserLike = await fetch(`${base}/graphql`, {
      redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(browserLike.status).toBe(302);
    expect(browserLike.headers.get('location')).toBe('/explorer');
    // A GET query (as a client sends one) is answered as JSON.
    const get = await fetch(`${base}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const post = await hub.query('{ __typename }');
    expect(post.data).toEqual({ __typename: 'Query' });
  });

  test('GET /explorer/config: the registry’s operations as they are on disk, the scorecard first, with a real region', async () => {
    const response = await fetch(`${base}/explorer/config`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const config = (await response.json()) as ExplorerConfig;
    const files = readdirSync(OPERATIONS_DIR).filter((file) => file.endsWith('.graphql'));
    expect(config.operations.map((op) => op.file).sort()).toEqual(files.sort());
    expect(config.operations[0]).toMatchObject({ name: 'RegionScorecard', file: 'region-scorecard.graphql', query: SCORECARD });
    for (const operation of config.operations) {
      expect(operation.query).toBe(readFileSync(path.join(OPERATIONS_DIR, operation.file), 'utf8'));
      expect(operation.variables).toMatchObject({ code: '652900' });
      // The example variables give real figures.
      const answer = await hub.query(operation.query, operation.variables);
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.region.name).toBe('Aksu Prefecture');
    }
    expect(config.introspection).toBe('on');
    // The test hub verifies tokens with a test key, not the development key: no development tokens.
    expect(config.devTokens).toBeNull();
    expect((await fetch(`${base}/explorer/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"analyst"}' })).status).toBe(404);
  });

  test('development tokens: handed out by a development gateway, as `npm run token` makes them; absent in production', async () => {
    const dev = await gatewayOverHub({ auth: authConfigFromEnv() });
    const config = (await (await fetch(`${dev.base}/explorer/config`)).json()) as ExplorerConfig;
    expect(config.devTokens!.map((role) => role.id)).toEqual(expect.arrayContaining(['anonymous', 'analyst', 'legal-aid-wensu', 'legal-aid-wensu-pii']));
    const ask = (role: string) =>
      fetch(`${dev.base}/explorer/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
    const answer = (await (await ask('legal-aid-wensu-pii')).json()) as { token: string };
    const me = await fetch(dev.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${answer.token}` },
      body: JSON.stringify({ query: '{ me { subject agency scopes regions } }' }),
    });
    expect(((await me.json()) as { data: { me: unknown } }).data.me).toEqual({ subject: 'dev-legal-aid-wensu-pii', agency: 'legal-aid', scopes: ['legal-aid:cases', 'legal-aid:pii'], regions: ['652922'] });
    expect(await (await ask('anonymous')).json()).toEqual({ role: 'anonymous', token: null });
    expect((await ask('root')).status).toBe(400);
    // Malformed JSON is a short 400, never Express's page with a stack.
    const malformed = await fetch(`${dev.base}/explorer/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toBe('Bad request');
    // A form post (no JSON) is not read.
    expect((await fetch(`${dev.base}/explorer/dev-token`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"role":"analyst"}' })).status).toBe(400);

    // NODE_ENV=production, even with the development key configured: no route, nothing offered.
    const production = await productionGateway({ auth: authConfigFromEnv() });
    expect((await fetch(`${production.base}/explorer/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"analyst"}' })).status).toBe(404);
    const productionConfig = (await (await fetch(`${production.base}/explorer/config`)).json()) as ExplorerConfig;
    expect(productionConfig.devTokens).toBeNull();
    expect(productionConfig.introspection).toBe('analyst');
  });

  test('a missing or stale build is not served: 503 with the reason, and a warning in the log; a build without sources is served on its stamp', async () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'hub-web-'));
    try {
      const missing = capturedLogger();
      const empty = path.join(scratch, 'empty');
      mkdirSync(empty);
      const withoutBuild = await gatewayOverHub({ explorer: { buildDir: empty }, logger: missing.logger });
      const response = await fetch(`${withoutBuild.base}/explorer`);
      expect(response.status).toBe(503);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await response.text()).toContain('has not been built');
      expect(missing.lines).toContainEqual(expect.objectContaining({ level: 40, reason: 'missing', msg: expect.stringContaining('npm run build:web') }));
      // The API is not affected.
      expect((await fetch(withoutBuild.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).status).toBe(200);

      // A build whose stamp is not the sources' hash.
      const stale = path.join(scratch, 'stale');
      for (const page of WEB_PAGES) {
        mkdirSync(path.join(stale, page), { recursive: true });
        writeFileSync(path.join(stale, page, 'index.html'), '<!doctype html><title>old</title>');
      }
      writeFileSync(path.join(stale, STAMP_FILE), JSON.stringify({ sources: 'f'.repeat(64), builtAt: '2020-01-01T00:00:00.000Z' }));
      const staleLog = capturedLogger();
      const withStale = await gatewayOverHub({ explorer: { buildDir: stale }, logger: staleLog.logger });
      const staleResponse = await fetch(`${withStale.base}/explorer`);
      expect(staleResponse.status).toBe(503);
      expect(await staleResponse.text()).toContain('older sources');
      // The dashboard at / is refused the same way.
      expect((await fetch(`${withStale.base}/`)).status).toBe(503);
      expect(staleLog.lines).toContainEqual(expect.objectContaining({ level: 40, reason: 'stale' }));

      // The same build where there are no sources (an image holding the build only): its stamp is enough.
      const imageOnly = await gatewayOverHub({ explorer: { buildDir: stale, webDir: path.join(scratch, 'no-sources') } });
      const served = await fetch(`${imageOnly.base}/explorer`);
      expect(served.status).toBe(200);
      expect(await served.text()).toContain('<title>old</title>');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('the sources hash changes with any file under web/ and with the lock file', () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'hub-web-src-'));
    try {
      const web = path.join(scratch, 'web');
      mkdirSync(path.join(web, 'explorer'), { recursive: true });
      writeFileSync(path.join(web, 'explorer', 'main.tsx'), 'one');
      const lock = path.join(scratch, 'package-lock.json');
      writeFileSync(lock, '{}');
      const first = webSourcesHash(web, lock);
      // The build folder and its temporary copies are not sources.
      mkdirSync(path.join(web, 'dist', 'assets'), { recursive: true });
      writeFileSync(path.join(web, 'dist', 'assets', 'x.js'), 'built');
      mkdirSync(path.join(web, 'dist.tmp-1'));
      expect(webSourcesHash(web, lock)).toBe(first);
      writeFileSync(path.join(web, 'explorer', 'main.tsx'), 'two');
      const second = webSourcesHash(web, lock);
      expect(second).not.toBe(first);
      writeFileSync(lock, '{"lockfileVersion":3}');
      expect(webSourcesHash(web, lock)).not.toBe(second);
      expect(webSourcesHash(path.join(scratch, 'none'), lock)).toBeNull();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('`npm run build:web -- --if-needed` builds a missing build (stamped, current) and then leaves it alone', async () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'hub-web-build-'));
    const buildDir = path.join(scratch, 'dist');
    try {
      const env = { ...process.env, WEB_BUILD_DIR: buildDir };
      const first = await npmRun('build:web', ['--if-needed'], env, 240_000);
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toContain('the front end is not built');
      expect(first.stdout).toMatch(/explorer: loaded first/);
      expect(checkWebBuild({ buildDir })).toMatchObject({ ok: true });
      const second = await npmRun('build:web', ['--if-needed'], env, 60_000);
      expect(second).toEqual({ code: 0, stdout: '', stderr: '' });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 300_000);
});

// ------------------------------------------------------------------- browser

/** The visible text of the response pane. */
const responseText = (page: Page) => visibleText(page, '.graphiql-response .result-window');

/** Replaces the text of a Monaco editor as a person would: select all, then type (inserted at once). */
async function replaceEditorText(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .monaco-editor .view-lines`).first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

const QUERY_EDITOR = '.graphiql-query-editor';
const HEADERS_EDITOR = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';

/** Opens a new tab with this query, prettified (by the page's own prettier, loaded from the hub). */
async function newTab(page: Page, query: string): Promise<void> {
  await page.getByRole('button', { name: 'New tab' }).click();
  await replaceEditorText(page, QUERY_EDITOR, query);
  await page.getByRole('button', { name: /Prettify query/ }).click();
}

/** Runs the active tab and returns the gateway's answer as the page received it. */
async function run(page: Page): Promise<Record<string, any>> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/graphql') && r.request().method() === 'POST' && !r.request().postData()?.includes('IntrospectionQuery')),
    page.getByRole('button', { name: /Execute query/ }).click(),
  ]);
  return response.json();
}

async function openExplorer(page: HubPage, origin: string): Promise<void> {
  await page.page.goto(`${origin}/explorer`);
  await page.page.locator('.graphiql-tab-button').first().waitFor();
  await page.page.locator(`${QUERY_EDITOR} .monaco-editor`).waitFor();
}

describeInBrowser('the explorer in a browser, with nothing outside the hub reachable', () => {
  let browser: Browser;
  let page: HubPage;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    // Nothing outside the hub was even asked for, and the page had no errors (a CSP violation is one).
    expect(page.outside).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  test('it loads: the registered operations as tabs, the scorecard first with Aksu’s variables, docs and history', async () => {
    page = await openHubPage(browser, base);
    await openExplorer(page, base);
    const tabs = await page.page.locator('.graphiql-tab-button').allInnerTexts();
    expect(tabs).toEqual(['RegionScorecard', 'DashboardCases', 'DashboardRegion', 'DashboardTrend', 'EducationOverview', 'JudicialOverview', 'LegalAidOverview']);
    await waitForText(page.page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)', '"code": "652900"');
    for (const label of ['Show Documentation Explorer', 'Show History', 'Show Registered operations']) {
      await page.page.getByRole('button', { name: label }).waitFor();
    }
    expect(await visibleText(page.page, '.hub-status')).toContain('Asking as anonymous');
    await page.screenshot('01-explorer-loaded');
  });

  test('the scorecard tab runs and shows the hub’s figures for Aksu and its counties', async () => {
    page = await openHubPage(browser, base);
    await openExplorer(page, base);
    await waitForText(page.page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)', '"code": "652900"');
    const answer = await run(page.page);
    // What the page got is what the graph answers to the same operation and variables.
    const direct = await hub.query(SCORECARD, { code: '652900', period: { from: '2023-01-01', to: '2023-12-31' } });
    expect(direct.errors).toBeUndefined();
    expect(answer).toEqual({ data: direct.data });
    expect(direct.data!.region.children.length).toBe(9);
    // And the pane shows them: the region, its first figures.
    const judicial = direct.data!.region.judicialStats;
    const shown = await waitForText(page.page, '.graphiql-response .result-window', '"name": "Aksu Prefecture"');
    expect(shown).toContain(`"offices": ${judicial.offices}`);
    expect(shown).toContain(`"standardized": ${judicial.standardized}`);
    expect(shown).toContain(`"mediationCases": ${judicial.mediationCases}`);
    expect(judicial.mediationCases).toBeGreaterThan(0);
    expect(await page.page.locator('[data-testid="error-summary"]').count()).toBe(0);
    await page.screenshot('02-scorecard-figures');
  });

  test('the docs explorer lists Region, with its fields', async () => {
    page = await openHubPage(browser, base);
    await openExplorer(page, base);
    await page.page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.page.locator('.graphiql-doc-explorer');
    await docs.getByText('All Schema Types').waitFor();
    await docs.locator('a', { hasText: /^Region$/ }).first().click();
    await waitForText(page.page, '.graphiql-doc-explorer', 'judicialStats');
    const text = await visibleText(page.page, '.graphiql-doc-explorer');
    expect(text).toMatch(/^Region\b/m);
    expect(text).toContain('legalAidStats');
    await page.page.locator('.graphiql-plugin').evaluate((pane) => pane.scrollTo(0, 0));
    await page.screenshot('03-docs-region');
  });

  test('a bad argument shows its BAD_USER_INPUT, with the field, above the raw answer', async () => {
    page = await openHubPage(browser, base);
    await openExplorer(page, base);
    await newTab(page.page, '# More cases than a page holds\nquery TooManyCases { region(code: "652922") { legalAidCases(first: 500) { totalCount } } }');
    const answer = await run(page.page);
    expect(answer.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const summary = await waitForText(page.page, '[data-testid="error-summary"]', 'BAD_USER_INPUT');
    expect(summary).toContain('field first');
    expect(summary).toContain('region.legalAidCases');
    // The response editor renders after the summary: wait for it (a loaded machine takes a while).
    expect(await waitForText(page.page, '.graphiql-response .result-window', '"code": "BAD_USER_INPUT"')).toContain('"field": "first"');
    await page.screenshot('04-bad-user-input');
  });

  test('an agency that does not answer: the page names its code and the agency', async () => {
    // Partners' calls go to a closed port (nothing listens on port 1): a real refused connection.
    const urls = Object.fromEntries(Object.values(hub.subgraphs).map((s) => [s.name, s.url]));
    const partial = await gatewayOverHub({ subgraphUrls: { ...urls, partners: 'http://127.0.0.1:1/graphql' } });
    page = await openHubPage(browser, partial.base);
    await openExplorer(page, partial.base);
    await waitForText(page.page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)', '"code": "652900"');
    const answer = await run(page.page);
    expect(answer.errors[0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', agency: 'partners' });
    // How much of the rest survives is the schema's nullability (issue 16); the answer has data either way.
    expect(answer.data).toBeDefined();
    const summary = await waitForText(page.page, '[data-testid="error-summary"]', 'SUBGRAPH_UNAVAILABLE');
    expect(summary).toContain('from agency partners');
    expect(summary).toContain('with partial data');
    await page.screenshot('10-agency-unavailable');
  });

  test('a legal aid case list: no applicants without a token; with a legal aid token pasted in Headers, the applicants', async () => {
    page = await openHubPage(browser, base);
    await openExplorer(page, base);
    await newTab(page.page, CASES);
    const anonymous = await run(page.page);
    expect(anonymous).toEqual({ data: { region: { legalAidCases: { totalCount: 0, nodes: [] } } } });
    await waitForText(page.page, '.graphiql-response .result-window', '"totalCount": 0');
    expect(await responseText(page.page)).not.toContain('Synthetic Person');
    await page.screenshot('05-cases-without-token');

    const token = await signToken(LEGAL_AID_CASE_WORKER, { expiresIn: '1h' });
    await page.page.getByRole('button', { name: 'Headers', exact: true }).click();
    await replaceEditorText(page.page, HEADERS_EDITOR, `{"Authorization": "Bearer ${token}"}`);
    await waitForText(page.page, '.hub-status', 'Asking as case-worker');
    const withToken = await run(page.page);
    const direct = await hub.queryAs(LEGAL_AID_CASE_WORKER, CASES);
    expect(withToken).toEqual({ data: direct.data });
    const cases = withToken.data.region.legalAidCases;
    expect(cases.totalCount).toBeGreaterThan(0);
    expect(cases.nodes[0].applicant.name).toMatch(/^Synthetic Person/);
    const shown = await waitForText(page.page, '.graphiql-response .result-window', cases.nodes[0].applicant.name);
    expect(shown).toContain(cases.nodes[0].caseNumber);
    expect(await visibleText(page.page, '.hub-status')).toContain('legal-aid:cases legal-aid:pii');
    await page.screenshot('06-cases-with-legal-aid-token');
  });

  test('where introspection is analyst-only, the page says it needs an analyst token; one pasted in Headers loads the docs', async () => {
    const production = await productionGateway();
    page = await openHubPage(browser, production.base);
    await openExplorer(page, production.base);
    const notice = await waitForText(page.page, '[data-testid="schema-notice"]', 'The schema needs an analyst token');
    expect(notice).toContain('analyst');
    // In production there are no development tokens to offer.
    expect(await page.page.getByRole('button', { name: 'Show Development tokens' }).count()).toBe(0);
    expect(await page.page.getByRole('button', { name: 'Use a development analyst token' }).count()).toBe(0);
    await page.page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.screenshot('07-introspection-needs-analyst');

    const token = await signToken({ sub: 'analyst-1', scope: 'analyst' }, { expiresIn: '1h' });
    await page.page.getByRole('button', { name: 'Headers', exact: true }).click();
    await replaceEditorText(page.page, HEADERS_EDITOR, `{"Authorization": "Bearer ${token}"}`);
    await page.page.locator('[data-testid="schema-notice"]').waitFor({ state: 'detached' });
    await page.page.locator('.graphiql-doc-explorer').getByText('All Schema Types').waitFor();
    expect(await visibleText(page.page, '.graphiql-doc-explorer')).toMatch(/\bRegion\b/);
    // The refusal shown before is gone from the response pane.
    expect(await responseText(page.page)).not.toContain('FORBIDDEN');
    await page.screenshot('08-introspection-with-analyst-token');
    // The refused introspection before the token reached the hub as a refusal, not as a page error.
    page.errors.splice(0, page.errors.length, ...page.errors.filter((error) => !/status of 403/.test(error)));
  });

  test('in development, the page gets a development token for an example caller, without leaving it', async () => {
    const dev = await gatewayOverHub({ auth: authConfigFromEnv() });
    page = await openHubPage(browser, dev.base);
    await openExplorer(page, dev.base);
    await newTab(page.page, CASES);
    await page.page.getByRole('button', { name: 'Show Development tokens' }).click();
    await page.page.locator('button[data-role="legal-aid-wensu-pii"]').click();
    await waitForText(page.page, '.hub-status', 'Asking as dev-legal-aid-wensu-pii');
    const answer = await run(page.page);
    expect(answer.data.region.legalAidCases.nodes[0].applicant.name).toMatch(/^Synthetic Person/);
    await waitForText(page.page, '.graphiql-response .result-window', 'Synthetic Person');
    await page.screenshot('09-development-token');
  });
});
