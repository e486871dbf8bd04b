// Real Debian Chromium driven by playwright-core, for the e2e tests of the web console (CON-11).
// Needs `npm run build:renderer` first: the broker serves dist/renderer.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { appRoot } from '../../src/broker/app-root.ts';
import type { BrokerConfig } from '../../src/broker/broker.ts';
import { ADMIN_PASSWORD, adminClient, startTestBroker, type ApiClient, type TestBroker } from './broker.ts';

export const CHROMIUM_PATH = process.env.PASSERELLE_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser profile (cookies, localStorage) in the given locale; the test broker's certificate is self-signed. */
export function newContext(browser: Browser, locale = 'en-US'): Promise<BrowserContext> {
  return browser.newContext({ ignoreHTTPSErrors: true, locale, viewport: { width: 1280, height: 800 } });
}

/** Fails early with the fix when the renderer was not built. */
export function assertRendererBuilt(): void {
  if (!existsSync(join(appRoot().root, 'dist', 'renderer', 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build:renderer` before the e2e tests');
  }
}

export interface E2eWorld {
  broker: TestBroker;
  browser: Browser;
  /** An API client logged in as admin (the first password change done), for setting things up. */
  admin: ApiClient;
  close(): Promise<void>;
}

/** One broker and one browser for a test file; each test opens its own contexts. */
export async function startE2e(opts: { adminReady?: boolean; broker?: Partial<BrokerConfig> } = {}): Promise<E2eWorld> {
  assertRendererBuilt();
  const broker = await startTestBroker(opts.broker);
  const browser = await launchBrowser();
  const admin = opts.adminReady === false ? (null as unknown as ApiClient) : await adminClient(broker);
  return {
    broker,
    browser,
    admin,
    async close() {
      await browser.close();
      await admin?.close();
      await broker.stop();
    },
  };
}

/**
 * A page that records uncaught script errors (a CSP refusal or a render crash shows up there);
 * tests assert it stays empty.
 */
export async function newPage(browser: Browser, locale = 'en-US'): Promise<{ page: Page; ctx: BrowserContext; errors: string[] }> {
  const ctx = await newContext(browser, locale);
  const page = await ctx.newPage();
  // Everything here answers in milliseconds; a missing element should fail fast and say which.
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, ctx, errors };
}

/** Logs in through the login page and waits for the console. */
export async function loginViaUi(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
}

export { ADMIN_PASSWORD };
