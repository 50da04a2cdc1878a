// A real headless browser for the page's end-to-end suites: Debian's chromium driven by playwright-core (browsers
// cannot be downloaded here; `.ci/run` installs chromium with apt). Each page records console errors and CSP
// violations, and screenshots go to apps/web/test-results/ (git-ignored) for a person to look at.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PODIUM_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS = resolve(__dirname, '../../test-results');
export const WEB_BUILD = resolve(__dirname, '../../../../dist/web/index.html');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The browser, or undefined (the suite skips) when chromium is absent outside CI; CI requires it. */
export async function launchBrowser(): Promise<Browser | undefined> {
  if (!existsSync(WEB_BUILD)) throw new Error(`${WEB_BUILD} is missing: run \`npm run build\` first (npm test does)`);
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    return undefined;
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
  shot(name: string): Promise<void>;
}

export async function openPage(browser: Browser, baseURL: string, init?: (page: Page) => Promise<void>): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}\n${e.stack ?? ''}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e: SecurityPolicyViolationEvent) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  if (init) await init(page);
  mkdirSync(RESULTS, { recursive: true });
  return { page, problems, shot: async (name) => void (await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true })) };
}
