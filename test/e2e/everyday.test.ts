// Issue 12's everyday defects, as the people who met them: the fabric page's exports, the
// record page's YAML, the menus, and every page at 390 px (a phone).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { commitDirectory } from '../helpers/gitServer';
import { SEED } from '../helpers/sync';
import {
  loginAs,
  overflow,
  screenshot,
  tablesScrollInTheirCards,
  useBrowserApp,
  watchConsole,
  type Person,
} from './helpers';

// Code run in the page (evaluate) sees the DOM; the project's types do not include it.
declare const document: any;
declare function getComputedStyle(element: any): any;
type Element = any;

const e2e = await useBrowserApp();
const { harness } = e2e;
const DIR = 'gitops/hedgehog/fabric-1/';

/** The colour of an element's text and of the nearest background behind it, as [r, g, b]. */
async function colours(page: Page, selector: string): Promise<{ text: number[]; background: number[] }[]> {
  return page.locator(selector).evaluateAll((elements) => {
    // Any CSS colour (Tabler's are oklch) as sRGB through a canvas pixel; alpha 0 is no colour.
    const context = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const pixel = (c: string) => {
      context.clearRect(0, 0, 1, 1);
      context.fillStyle = c;
      context.fillRect(0, 0, 1, 1);
      return [...context.getImageData(0, 0, 1, 1).data];
    };
    const rgb = (c: string) => pixel(c).slice(0, 3);
    const background = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = getComputedStyle(el).backgroundColor;
        if (pixel(c)[3]! > 0) return rgb(c);
      }
      return [255, 255, 255];
    };
    return elements.map((el) => ({ text: rgb(getComputedStyle(el).color), background: background(el) }));
  });
}

/** WCAG contrast ratio of two sRGB colours. */
function contrast(a: number[], b: number[]): number {
  const lum = (c: number[]) => {
    const [r, g, bl] = c.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** The element is shown and wholly inside the viewport's width (not clipped, not off to the side). */
async function fullyInView(page: Page, selector: string | ReturnType<Page['locator']>, width = 390): Promise<string> {
  const element = typeof selector === 'string' ? page.locator(selector).first() : selector;
  expect(await element.isVisible()).toBe(true);
  const box = (await element.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
  return element.innerText();
}

describe('everyday pages of a synced fabric', async () => {
  const repo = await harness.repository();
  await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1');
  const fabric = await harness.fabric(repo.id, DIR);
  const run = await harness.sync(fabric.id);
  // What the pages must say: the fabric's records, and its Connections (the only fabric here).
  const total = (await harness.api.get(`/fabrics/${fabric.id}`)).body.cachedCrdCount as number;
  const connections = (await harness.api.get(`/crds?kind=Connection&fabric=${fabric.id}`)).body.total as number;
  let viewer: Person;
  let recordPath = '';

  it('downloads the fabric page exports as the fabric records, not the page', async () => {
    expect(run.status).toBe('partial');
    viewer = await e2e.person('viewer');
    const { page } = viewer;
    await page.goto(`/fabrics/${fabric.id}?kind=Connection`);
    const menu = page.locator('#records details', { has: page.locator('summary', { hasText: 'Export' }) });
    const total = Number((await page.getByTestId('list-count').innerText()).match(/of (\d+)/)![1]);
    expect(total).toBeGreaterThan(10);
    const texts: Record<string, string> = {};
    for (const format of ['csv', 'yaml', 'json']) {
      await menu.locator('summary').click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        menu.locator(`[data-export="${format}"]`).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${fabric.name}-connections.${format}`);
      const path = await download.path();
      texts[format] = (await import('node:fs')).readFileSync(path, 'utf8');
      expect(texts[format]).not.toContain('<html');
    }
    expect(texts.csv!.trim().split('\r\n')).toHaveLength(total + 1);
    expect(texts.csv!.split('\r\n')[0]).toMatch(/^Name,Namespace,/);
    const docs = parseAllDocuments(texts.yaml!).map((d) => d.toJS());
    expect(docs).toHaveLength(total);
    expect(docs.every((d) => d.kind === 'Connection')).toBe(true);
    const json = JSON.parse(texts.json!) as { kind: string; fabricId: number }[];
    expect(json).toHaveLength(total);
    expect(json.every((r) => r.kind === 'Connection' && r.fabricId === fabric.id)).toBe(true);
  });

  it('shows every character of the YAML on the record page', async () => {
    const { page } = viewer;
    await page.goto(`/fabrics/${fabric.id}?kind=Connection`);
    await page.locator('table[data-list] tbody tr td:first-child a').first().click();
    await page.waitForURL(/\/crds\/connections\/\d+$/);
    recordPath = new URL(page.url()).pathname;
    const yaml = page.locator('pre.spec-yaml');
    expect(await yaml.innerText()).toContain('spec:');
    // The <pre> itself (colons, dashes, braces are its own text) and every highlighted piece.
    const all = await colours(page, 'pre.spec-yaml, pre.spec-yaml span');
    for (const { text, background } of all) expect(contrast(text, background)).toBeGreaterThan(4.5);
    await screenshot(page, 'record-yaml');
  });

  it('opens the CRDs menu below the navigation, styled as a menu, and closes it with Escape', async () => {
    const { page } = viewer;
    const nav = page.getByRole('navigation', { name: 'Main' });
    const summary = nav.locator('summary', { hasText: 'CRDs' });
    await summary.click();
    const panel = nav.locator('.nav-menu[open] .nav-menu-panel');
    const panelBox = (await panel.boundingBox())!;
    // Under the bar's links, not over any of them.
    for (const link of await page.locator('header .nav-link').all()) {
      const box = (await link.boundingBox())!;
      expect(box.y + box.height, await link.innerText()).toBeLessThanOrEqual(panelBox.y);
    }
    const item = panel.getByRole('link', { name: 'Connections', exact: true });
    const style = await item.evaluate((el) => {
      const s = getComputedStyle(el);
      return { padding: parseFloat(s.paddingLeft), display: s.display, decoration: s.textDecorationLine };
    });
    expect(style).toEqual({ padding: expect.any(Number), display: 'flex', decoration: 'none' });
    expect(style.padding).toBeGreaterThanOrEqual(8);
    const shadow = await panel.evaluate((el) => getComputedStyle(el).boxShadow);
    expect(shadow).not.toBe('none');
    await screenshot(page, 'menu-crds');
    await page.keyboard.press('Escape');
    expect(await nav.locator('.nav-menu[open]').count()).toBe(0);
    // One menu at a time: opening the user menu closes the CRDs menu.
    await summary.click();
    await page.locator('.user-menu summary').click();
    expect(await page.locator('details.nav-menu[open]').count()).toBe(1);
    const userPanel = (await page.locator('.user-menu .nav-menu-panel').boundingBox())!;
    const userSummary = (await page.locator('.user-menu summary').boundingBox())!;
    expect(userPanel.y).toBeGreaterThanOrEqual(userSummary.y + userSummary.height);
    expect(userPanel.x + userPanel.width).toBeLessThanOrEqual(1440);
    await page.locator('h1').click();
    expect(await page.locator('details.nav-menu[open]').count()).toBe(0);
  });

  it("opens a list's Export menu below its button, styled as a menu, inside the page", async () => {
    const { page } = viewer;
    await page.goto('/crds/connections');
    const menu = page.locator('[data-testid="list"] details.nav-menu', {
      has: page.locator('summary', { hasText: 'Export' }),
    });
    await menu.locator('summary').click();
    const panel = menu.locator('.nav-menu-panel');
    const [panelBox, summaryBox] = [(await panel.boundingBox())!, (await menu.locator('summary').boundingBox())!];
    expect(panelBox.y).toBeGreaterThanOrEqual(summaryBox.y + summaryBox.height);
    expect(panelBox.x).toBeGreaterThanOrEqual(0);
    expect(panelBox.x + panelBox.width).toBeLessThanOrEqual(1440);
    expect(await panel.locator('a').allInnerTexts()).toEqual(['CSV', 'YAML (kubectl apply)', 'JSON']);
    const style = await panel
      .locator('a')
      .first()
      .evaluate((el) => {
        const s = getComputedStyle(el);
        return { padding: parseFloat(s.paddingLeft), display: s.display, decoration: s.textDecorationLine };
      });
    expect(style).toEqual({ padding: expect.any(Number), display: 'flex', decoration: 'none' });
    expect(style.padding).toBeGreaterThanOrEqual(8);
    expect(await panel.evaluate((el) => getComputedStyle(el).boxShadow)).not.toBe('none');
    // Over the table (it is a menu), not pushing it down.
    expect(await panel.evaluate((el) => getComputedStyle(el).position)).toBe('absolute');
    await screenshot(page, 'menu-export');
    await page.keyboard.press('Escape');
    expect(await menu.evaluate((el) => el.open)).toBe(false);
  });

  describe('at 390 px', () => {
    let page: Page;
    const problems: string[] = [];

    it('collapses the navigation behind a Menu button that opens without JavaScript', async () => {
      const context = await e2e.browser.newContext({
        baseURL: e2e.baseUrl,
        viewport: { width: 390, height: 844 },
        javaScriptEnabled: false,
      });
      page = await context.newPage();
      problems.push(...watchConsole(page));
      await loginAs(page, 'viewer').catch(() => undefined);
      await page.goto('/');
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.isVisible()).toBe(false);
      const header = await page.locator('header.navbar').boundingBox();
      expect(header!.height).toBeLessThan(80);
      await page.locator('label', { hasText: 'Menu' }).click();
      expect(await nav.isVisible()).toBe(true);
      expect(await nav.getByRole('link', { name: 'Fabrics' }).isVisible()).toBe(true);
      await screenshot(page, 'narrow-menu-open');
      expect(await overflow(page)).toBe(0);
    });

    /**
     * What each page says at 390 px, with and without JavaScript: its status words and numbers
     * on screen, the page no wider than the phone, its tables scrolling inside their cards.
     */
    const pages: [name: string, path: () => string, says: (page: Page) => Promise<void>][] = [
      [
        'dashboard',
        () => '/',
        async (p) => {
          expect(await fullyInView(p, 'h1')).toBe('Dashboard');
          const fabrics = p.locator('.card').filter({ has: p.getByRole('heading', { name: 'Fabrics' }) });
          const row = fabrics.getByRole('row').filter({ hasText: fabric.name });
          expect(await fullyInView(p, row.getByRole('link', { name: fabric.name }))).toBe(fabric.name);
          const status = await row.getByTestId('fabric-status').innerText();
          expect(status).toContain('In sync');
          expect(status).toContain('Degraded · 2 invalid');
          expect(await row.getByRole('link', { name: String(total) }).isVisible()).toBe(true);
        },
      ],
      [
        'fabric',
        () => `/fabrics/${fabric.id}`,
        async (p) => {
          expect(await fullyInView(p, 'h1')).toBe(`Fabric ${fabric.name}`);
          expect(await fullyInView(p, '[data-testid="sync-status"]')).toContain('In sync');
          expect(await fullyInView(p, '[data-testid="health"]')).toBe('Degraded · 2 invalid');
          expect(await fullyInView(p, '[data-testid="last-result"]')).toMatch(/Partial/);
          expect(await fullyInView(p, '#records [data-testid="list-count"]')).toBe(
            `Showing 1–${Math.min(total, 50)} of ${total}`,
          );
        },
      ],
      [
        'list',
        () => '/crds/connections',
        async (p) => {
          expect(await fullyInView(p, 'h1')).toBe('Connections');
          expect(await fullyInView(p, '[data-testid="list-count"]')).toBe(`Showing 1–${connections} of ${connections}`);
          // The first column (the name) is on screen; the rest scroll inside the card.
          const first = p.locator('table[data-list] tbody tr td:first-child a').first();
          expect(await fullyInView(p, first)).toMatch(/--/);
        },
      ],
      [
        'record',
        () => recordPath,
        async (p) => {
          expect(await fullyInView(p, 'h1')).toMatch(/^Connection \S+--\S+$/);
          const endpoints = await fullyInView(p, '[data-panel="endpoints"] .card-header');
          expect(endpoints).toBe('Endpoints');
          expect(await p.locator('[data-panel="endpoints"] td a').count()).toBeGreaterThan(0);
          expect(await fullyInView(p, 'pre.spec-yaml')).toContain('kind: Connection');
        },
      ],
      [
        'sync run',
        () => `/sync-runs/${run.id}`,
        async (p) => expect(await fullyInView(p, 'h1')).toContain(`#${run.id}`),
      ],
      ['changes', () => '/changes', async (p) => expect(await fullyInView(p, 'h1')).toBe('Change log')],
    ];

    for (const [name, path, says] of pages) {
      it(`fits the ${name} page in the viewport and says what it should, tables scrolling inside their card`, async () => {
        await page.goto(path());
        await says(page);
        await screenshot(page, `narrow-${name.replace(' ', '-')}`);
        expect(await overflow(page)).toBe(0);
        await tablesScrollInTheirCards(page, 390);
      });
    }

    describe('with JavaScript', () => {
      let phone: Page;
      for (const [name, path, says] of pages) {
        it(`fits the ${name} page and says what it should`, async () => {
          if (!phone) {
            const context = await e2e.browser.newContext({
              baseURL: e2e.baseUrl,
              viewport: { width: 390, height: 844 },
            });
            phone = await context.newPage();
            problems.push(...watchConsole(phone));
            await loginAs(phone, 'viewer');
          }
          await phone.goto(path());
          await says(phone);
          await screenshot(phone, `phone-${name.replace(' ', '-')}`);
          expect(await overflow(phone)).toBe(0);
          await tablesScrollInTheirCards(phone, 390);
        });
      }
    });

    it('wraps the full commit SHA on the fabric page', async () => {
      await page.goto(`/fabrics/${fabric.id}`);
      const sha = page.locator('tr', { has: page.locator('th', { hasText: 'Synced commit' }) }).locator('code');
      const box = await sha.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      expect((await sha.innerText()).replace(/\s/g, '')).toMatch(/^[0-9a-f]{40}$/);
    });

    it('met no console error', () => expect(problems).toEqual([]));
  });

  it('met no console error or CSP violation on any page', () => expect(viewer.problems).toEqual([]));
});
