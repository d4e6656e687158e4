// `npm run bench -- --dashboard` (or `npm run bench:dashboard`), issue 14: the
// dashboard in headless Chromium (Debian's, BENCH_CHROMIUM, default
// /usr/bin/chromium) against a warm hub (the four subgraphs on PGlite at
// SEED_SCALE, default 1, and the gateway with its response cache, all in this
// process) on loopback. Measures:
//   - time to interactive of the region-wide page from a cold browser cache
//     (a new browser context each run): from navigation start until the
//     scorecard, the comparison table and the trend table are rendered by React;
//   - a drill-down step with warm caches (the page loaded, the hub having
//     answered that region before): from the click until the new region's
//     scorecard and comparison table are rendered;
//   - the dashboard's own JavaScript and CSS as the build serves them (brotli),
//     without the explorer's chunks;
//   - the CPU time of this process per cold page load (its own counters,
//     process.cpuUsage): the gateway and the four subgraphs, and also
//     playwright's client driving the browser, so an upper bound for the hub.
// Prints a table and writes bench/results/dashboard.json.
import { readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEFAULT_AUDIENCE } from '../gateway/auth';
import { startGateway, type RunningGateway } from '../gateway/gateway';
import { checkWebBuild, WEB_BUILD_DIR } from '../gateway/web-build';
import { intFromEnv, seedScaleFromEnv, stringFromEnv } from '../platform/core/config';
import { newEd25519KeyPair } from '../platform/access/dev-keys';
import { newIdentitySecret, subgraphIdentityKey } from '../platform/access/identity';
import { createLogger } from '../platform/core/log';
import { startSubgraph, type RunningSubgraph } from '../platform/server/subgraph';
import { listSubgraphs } from '../schema/subgraphs';
import { writeBenchResult } from './results-file';
import { median } from './stats';

const CHROMIUM = stringFromEnv('BENCH_CHROMIUM') ?? '/usr/bin/chromium';
const RUNS = intFromEnv('BENCH_DASHBOARD_RUNS', 7, 1, 100);
/** Counties of Aksu, each a drill-down step from the prefecture. */
const STEPS = ['652922', '652901', '652902', '652924', '652926'];

const round = (n: number) => Math.round(n * 10) / 10;

/** The brotli size of the dashboard's first load (entry, its imports, their CSS), from the build's manifest; chunks only the explorer loads are not counted. */
function bundleSize(): { files: string[]; brotliBytes: number; rawBytes: number; sharedWithExplorer: string[] } {
  const manifest = JSON.parse(readFileSync(path.join(WEB_BUILD_DIR, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string; imports?: string[]; css?: string[] }>;
  const collect = (key: string, into: Set<string>) => {
    const chunk = manifest[key];
    if (!chunk || into.has(chunk.file)) return;
    into.add(chunk.file);
    chunk.css?.forEach((css) => into.add(css));
    chunk.imports?.forEach((next) => collect(next, into));
  };
  const dashboard = new Set<string>();
  collect('dashboard/index.html', dashboard);
  const explorer = new Set<string>();
  collect('explorer/index.html', explorer);
  let brotliBytes = 0;
  let rawBytes = 0;
  for (const file of dashboard) {
    const full = path.join(WEB_BUILD_DIR, file);
    rawBytes += statSync(full).size;
    brotliBytes += existsSync(`${full}.br`) ? statSync(`${full}.br`).size : statSync(full).size;
  }
  return { files: [...dashboard], brotliBytes, rawBytes, sharedWithExplorer: [...dashboard].filter((f) => explorer.has(f)) };
}

/** In the page: resolves with performance.now() once the region's figures and comparison are on the page. */
async function renderedAt(page: Page, name: string): Promise<number> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
      const ready =
        d.querySelector('[data-testid="region-name"]')?.textContent?.includes(wanted) &&
        d.querySelector('[data-testid="figure-demonstration"] dd') &&
        d.querySelector('[data-testid="compare-table"] tbody tr') &&
        !d.querySelector('main[aria-busy="true"]');
      return ready ? (globalThis as unknown as { performance: { now(): number } }).performance.now() : false;
    },
    name,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

export async function benchDashboard(): Promise<void> {
  const build = checkWebBuild();
  if (!build.ok) throw new Error(`${build.message}: run npm run build:web first`);
  const subgraphs: RunningSubgraph<unknown>[] = [];
  let browser: Browser | undefined;
  const scale = seedScaleFromEnv();
  console.log(`starting the hub (PGlite, seed scale ${scale}) and Chromium (${CHROMIUM})`);
  try {
    const gateway = await startHub(scale, subgraphs);
    const origin = gateway.url.replace(/\/graphql$/, '');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    await warmUp(browser, origin);
    const cold = await coldLoads(browser, origin);
    const steps = await drillDownSteps(browser, origin);
    const bundle = bundleSize();
    const result = {
      seedScale: scale,
      runs: RUNS,
      regionWideColdMs: { median: round(median(cold.ms)), max: round(Math.max(...cold.ms)), all: cold.ms.map(round) },
      drillDownWarmMs: { median: round(median(steps)), max: round(Math.max(...steps)), all: steps.map(round) },
      hubCpuMsPerColdLoad: { median: round(median(cold.cpuMs)) },
      assetsTransferredPerColdLoadKB: round(median(cold.bytes) / 1024),
      dashboardBundle: { brotliKB: round(bundle.brotliBytes / 1024), rawKB: round(bundle.rawBytes / 1024), files: bundle.files, sharedWithExplorer: bundle.sharedWithExplorer },
      targets: { regionWideColdMs: 1500, drillDownWarmMs: 300, bundleBrotliKB: 250 },
    };
    console.log('');
    console.log(`region-wide page, cold browser cache: median ${result.regionWideColdMs.median} ms, max ${result.regionWideColdMs.max} ms (target 1500 ms; ${RUNS} runs)`);
    console.log(`drill-down step, warm caches:          median ${result.drillDownWarmMs.median} ms, max ${result.drillDownWarmMs.max} ms (target 300 ms; ${steps.length} steps)`);
    console.log(`dashboard JS + CSS (first load):       ${result.dashboardBundle.brotliKB} KB brotli, ${result.dashboardBundle.rawKB} KB raw (target 250 KB brotli); sent per cold load: ${result.assetsTransferredPerColdLoadKB} KB`);
    console.log(`hub CPU per cold page load:            median ${result.hubCpuMsPerColdLoad.median} ms (this process: gateway, subgraphs and playwright's client; process.cpuUsage)`);
    console.log(`written to ${writeBenchResult('dashboard.json', result)}`);
    await gateway.stop();
  } finally {
    await browser?.close();
    for (const s of subgraphs) await s.stop().catch(() => undefined);
  }
}

/** Every subgraph on PGlite (pushed to `subgraphs` as it starts, for stopping) and a gateway with response caching, in this process. */
async function startHub(scale: number, subgraphs: RunningSubgraph<unknown>[]): Promise<RunningGateway> {
  const identitySecret = newIdentitySecret();
  const callers = newEd25519KeyPair();
  const logger = createLogger('bench', { level: 'warn' });
  for (const info of listSubgraphs()) {
    subgraphs.push(await startSubgraph(info.definition, { port: 0, seedScale: scale, identityKey: subgraphIdentityKey(identitySecret, info.name), logger }));
  }
  return startGateway({
    port: 0,
    auth: { publicKey: callers.publicKey, algorithm: 'EdDSA', issuer: 'bench', audience: DEFAULT_AUDIENCE },
    identitySecret,
    subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
    responseCache: true,
    logger,
  });
}

/** Warms the hub: every page and step once (query plans, response cache, the databases' caches). */
async function warmUp(browser: Browser, origin: string): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await renderedAt(page, '新疆维吾尔自治区');
  for (const code of ['652900', ...STEPS]) {
    await page.goto(`${origin}/#${code}`);
    await page.reload();
    await page.locator('[data-testid="region-name"]').waitFor();
    await page.locator('[data-testid="compare-table"]').waitFor();
  }
  await context.close();
}

/** The region-wide page with a cold browser cache (a fresh context, its HTTP cache empty, per run): time to render, this process's CPU, asset bytes sent. */
async function coldLoads(browser: Browser, origin: string): Promise<{ ms: number[]; cpuMs: number[]; bytes: number[] }> {
  const cold = { ms: [] as number[], cpuMs: [] as number[], bytes: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let bytes = 0;
    page.on('response', (response) => {
      const length = Number(response.headers()['content-length'] ?? 0);
      if (response.url().includes('/assets/')) bytes += length;
    });
    const cpu = process.cpuUsage();
    await page.goto(`${origin}/`, { waitUntil: 'commit' });
    cold.ms.push(await renderedAt(page, '新疆维吾尔自治区'));
    const used = process.cpuUsage(cpu);
    cold.cpuMs.push((used.user + used.system) / 1000);
    cold.bytes.push(bytes);
    await context.close();
  }
  return cold;
}

/** A drill-down step with warm caches: assets cached, the hub having answered each step before; ms from the click to the county rendered. */
async function drillDownSteps(browser: Browser, origin: string): Promise<number[]> {
  const steps: number[] = [];
  const context = await browser.newContext();
  const page = await context.newPage();
  for (let run = 0; run < Math.max(1, Math.ceil(RUNS / STEPS.length)); run++) {
    for (const code of STEPS) {
      await page.goto(`${origin}/#652900`);
      await page.reload();
      await renderedAt(page, '阿克苏地区');
      const name = (await page.locator(`[data-testid="compare-table"] tr[data-code="${code}"] a`).textContent()) ?? '';
      const started = await page.evaluate((c) => {
        const g = globalThis as unknown as { performance: { now(): number }; document: { querySelector(s: string): { click(): void } } };
        const t = g.performance.now();
        g.document.querySelector(`[data-testid="compare-table"] tr[data-code="${c}"] a`).click();
        return t;
      }, code);
      steps.push((await renderedAt(page, name)) - started);
    }
  }
  await context.close();
  return steps;
}

if (require.main === module) {
  benchDashboard().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
