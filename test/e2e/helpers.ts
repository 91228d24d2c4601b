// Browser tests: the app on a free port of this process, Debian's Chromium driven by
// playwright-core, one browser context per person, and the console watched on every page.

import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import type { Role, User } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { buildUser, PASSWORD } from '../helpers/factories';
import { useSyncHarness } from '../helpers/sync';

// Code run in the page (evaluate) sees the DOM; the project's types do not include it.
declare const document: any;
declare const window: any;
declare function getComputedStyle(element: any): any;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS = resolve(import.meta.dirname, '../../test-results');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** A person's browser session: its page and everything that went wrong in the console. */
export interface Person {
  context: BrowserContext;
  page: Page;
  user: User;
  /** Console errors (CSP violations included) and uncaught page errors, with the page they happened on. */
  problems: string[];
}

/**
 * Starts everything a browser test file needs: a test database and Redis prefix, the app
 * listening on 127.0.0.1:<free port>, the git server and (unless `worker: false`) a worker of
 * the sync harness, and a headless Chromium. Everything is closed after the file.
 */
export async function useBrowserApp(opts: { worker?: boolean } = {}) {
  await useTestEnvironment();
  const app = createApp();
  const harness = await useSyncHarness(app, { worker: opts.worker });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((done, fail) => server.once('listening', done).once('error', fail));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];

  // Registered last, so it runs first: the browser goes before the server, the server before the database.
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser.close();
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  });

  return {
    app,
    baseUrl,
    browser,
    harness,
    /** A new browser context logged in as a new user of the role, through the real login form. */
    async person(role: Role): Promise<Person> {
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: { width: 1440, height: 900 },
        acceptDownloads: true,
      });
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      const page = await context.newPage();
      const problems = watchConsole(page);
      const user = await loginAs(page, role);
      return { context, page, user, problems };
    },
  };
}

/** Collects console errors (Chromium reports CSP violations there) and uncaught exceptions of a page. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const source = message.location().url;
    // Chromium asks for /favicon.ico by itself; the app serves no icon, which is not a fault of a page.
    if (new URL(source || page.url()).pathname === '/favicon.ico') return;
    problems.push(
      `${page.url()}: console error: ${message.text()}${source && source !== page.url() ? ` (${source})` : ''}`,
    );
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: uncaught ${error.name}: ${error.message}`));
  return problems;
}

/** Creates a user of the role (password PASSWORD) and logs in through the login form, submitting it with Enter. */
export async function loginAs(page: Page, role: Role): Promise<User> {
  const user = await buildUser({ role });
  await page.goto('/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByLabel('Password').press('Enter')]);
  expect(await page.locator('.user-menu summary').innerText()).toContain(user.username);
  return user;
}

/** Saves a full-page PNG as test-results/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The CSRF token of the page being shown (every logged-in page has one in its log-out form). */
export async function pageCsrf(page: Page): Promise<string> {
  const token = await page.locator('input[name="_csrf"]').first().getAttribute('value');
  if (!token) throw new Error(`no CSRF token on ${page.url()}`);
  return token;
}

/** Presses Tab until the focus is on an element matching `selector`; returns how many presses it took, or null if it never got there. */
export async function tabTo(page: Page, selector: string, maxPresses = 80): Promise<number | null> {
  await page.locator('body').focus();
  for (let i = 1; i <= maxPresses; i++) {
    await page.keyboard.press('Tab');
    if (
      await page
        .locator(selector)
        .first()
        .evaluate((el) => el === el.ownerDocument.activeElement)
    )
      return i;
  }
  return null;
}

/** How much wider than the viewport the page is (0 when it fits): what scrolls sideways is the page itself. */
export function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
}

/** Every table of the page is inside its card, and scrolls there when wider (the page never does). */
export async function tablesScrollInTheirCards(page: Page, width: number): Promise<void> {
  for (const table of await page.locator('.card table').all()) {
    const box = await table.evaluate((el: any) => {
      const card = el.closest('.card')!.getBoundingClientRect();
      // The list's .table-responsive, or the table itself (a block that scrolls).
      const scroller = el.parentElement!.classList.contains('table-responsive') ? el.parentElement! : el;
      return {
        cardRight: card.right,
        scrolls: getComputedStyle(scroller).overflowX === 'auto' || scroller.scrollWidth <= scroller.clientWidth,
      };
    });
    expect(box.cardRight).toBeLessThanOrEqual(width);
    expect(box.scrolls).toBe(true);
  }
}
