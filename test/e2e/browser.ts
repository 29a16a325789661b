/**
 * Browser tests of the console (apps/console): playwright-core driving Debian's Chromium
 * (scripts/ensure-chromium.sh installs it), headless, a fresh profile per file. Every page
 * records console errors, uncaught exceptions, failed requests and HTTP errors it did not expect:
 * a journey fails on any of them (docs/console.md).
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, selectors, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.HUB_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];
export const DESKTOP = { width: 1440, height: 900 };
export const NARROW = { width: 390, height: 844 };
export const SHOTS = path.resolve(__dirname, 'screenshots');
const ROOT = path.resolve(__dirname, '../..');

/** The console's build; built here when a developer runs the tests without `npm run build:console`. */
export function ensureConsoleBuilt(): void {
  if (existsSync(path.join(ROOT, 'apps/console/dist/index.html'))) return;
  execSync('npm run build:console', { cwd: ROOT, stdio: 'inherit' });
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run scripts/ensure-chromium.sh (npm run test:all does)`);
  selectors.setTestIdAttribute('data-test');
  const profile = mkdtempSync(path.join(tmpdir(), 'hub-console-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: DESKTOP,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(20_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface WatchedPage {
  page: Page;
  /** what went wrong in the page that the test did not announce */
  problems: string[];
  /** an HTTP error the journey provokes on purpose (e.g. the 404 of another unit's order) */
  expect(status: number, url: RegExp): void;
  /** desktop and narrow screenshots of the current page */
  shoot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function watchedPage(b: Browser, journey: string): Promise<WatchedPage> {
  const page = await b.context.newPage();
  const problems: string[] = [];
  const expected: Array<{ status: number; url: RegExp }> = [];
  const isExpected = (status: number, url: string) => expected.some((e) => e.status === status && e.url.test(url));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const loc = m.location().url;
    // Chromium logs every 4xx/5xx of fetch() as "Failed to load resource"; allowed when announced
    if (/Failed to load resource: the server responded with a status of (\d+)/.test(m.text())) {
      const status = Number(/status of (\d+)/.exec(m.text())?.[1]);
      if (isExpected(status, loc)) return;
    }
    problems.push(`console error: ${m.text()} (${loc})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !isExpected(r.status(), r.url())) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  mkdirSync(SHOTS, { recursive: true });
  let n = 0;
  return {
    page,
    problems,
    expect(status, url) {
      expected.push({ status, url });
    },
    async shoot(name) {
      n += 1;
      const base = path.join(SHOTS, `${journey}-${String(n).padStart(2, '0')}-${name}`);
      await page.screenshot({ path: `${base}-desktop.png`, fullPage: false });
      await page.setViewportSize(NARROW);
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${base}-narrow.png`, fullPage: false });
      await page.setViewportSize(DESKTOP);
      await page.waitForTimeout(50);
    },
    async close() {
      await page.close();
    },
  };
}

/** Signs in through the form, as a person would. */
export async function signIn(p: WatchedPage, username: string, password: string): Promise<void> {
  await p.page.getByLabel('用户名').fill(username);
  await p.page.getByLabel('密码', { exact: true }).fill(password);
  await p.page.getByRole('button', { name: '登录' }).click();
}
