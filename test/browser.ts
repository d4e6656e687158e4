// Browser tests' helpers (the explorer's, and any page of web/ after it):
// Debian's headless Chromium driven by playwright-core (no browser download),
// every request that is not to the hub refused and recorded, the page's errors
// and Content-Security-Policy violations collected, screenshots under
// test-output/browser for a reviewer to look at.
//
// Chromium is found at TEST_CHROMIUM (default /usr/bin/chromium). When
// TEST_CHROMIUM is set (CI sets it), a missing Chromium fails the tests;
// when it is not, they are skipped with a warning.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM_PATH = process.env.TEST_CHROMIUM?.trim() || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(__dirname, '..', 'test-output', 'browser');

/** Flags that work as root in a container with no display, GPU or network beyond loopback. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // Belt and braces with the request routing below: no host name but localhost resolves.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost',
];

/** Whether the browser tests can run; throws when they must (TEST_CHROMIUM set) and cannot. */
function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.TEST_CHROMIUM) throw new Error(`TEST_CHROMIUM is set but there is no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  console.warn(`No Chromium at ${CHROMIUM_PATH}: the browser tests are skipped (apt-get install chromium, or set TEST_CHROMIUM)`);
  return false;
}

/** `describe` when Chromium is there, `describe.skip` (with a warning) when it may be missing. */
export const describeInBrowser: jest.Describe = chromiumAvailable() ? describe : describe.skip;

/** One headless Chromium; playwright gives each launch a fresh, temporary profile (--user-data-dir). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export interface HubPage {
  page: Page;
  context: BrowserContext;
  /** Requests the page tried outside the hub (each refused). */
  outside: string[];
  /** Uncaught errors and console errors of the page, CSP violations among them. */
  errors: string[];
  /** Saves a screenshot as test-output/browser/<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A page in a new browser context that may reach `hubOrigin` only: any other
 * request (another host, another port, a CDN) is aborted and recorded in
 * `outside`, which a test then expects to be empty.
 */
export async function openHubPage(browser: Browser, hubOrigin: string, options: { width?: number; height?: number } = {}): Promise<HubPage> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1440, height: options.height ?? 900 }, serviceWorkers: 'block' });
  const outside: string[] = [];
  const errors: string[] = [];
  const origin = new URL(hubOrigin).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    if (!outside.includes(url)) outside.push(url);
    return route.abort('blockedbyclient');
  });
  // Requests that routing may not see (a worker's) are recorded too.
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin && !outside.includes(url)) outside.push(url);
  });
  context.on('weberror', (error) => errors.push(`uncaught: ${error.error().message}`));
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    page,
    context,
    outside,
    errors,
    async screenshot(name) {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    close: () => context.close(),
  };
}

/** The text of an element, as a person reads it (Monaco lays text out with non-breaking spaces). */
export async function visibleText(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().innerText()).replace(/\u00a0/g, ' ');
}

/** Waits until an element's text (as visibleText reads it) contains `text`; returns that text. */
export async function waitForText(page: Page, selector: string, text: string, timeoutMs = 30_000): Promise<string> {
  await page.waitForFunction(
    ([sel, wanted]) => {
      // Runs in the page (this file is compiled without the DOM's types).
      const { document } = globalThis as unknown as { document: { querySelector(s: string): { innerText: string } | null } };
      const element = document.querySelector(sel);
      return !!element && element.innerText.replace(/\u00a0/g, ' ').includes(wanted);
    },
    [selector, text] as const,
    { timeout: timeoutMs },
  );
  return visibleText(page, selector);
}
