import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { commitDirectory } from '../helpers/gitServer';
import { SEED } from '../helpers/sync';
import { pageCsrf, screenshot, useBrowserApp, type Person } from './helpers';

const e2e = await useBrowserApp();
const { harness } = e2e;
const DIR = 'gitops/hedgehog/fabric-1/';

/** The names in the first column of the list table, top to bottom. */
function listNames(page: Page): Promise<string[]> {
  return page.locator('table[data-list] tbody tr td:first-child a').allInnerTexts();
}

function listCount(page: Page): Promise<string> {
  return page.getByTestId('list-count').innerText();
}

/** Clicks and waits for the page that the click leads to. */
async function navigate(page: Page, click: () => Promise<void>): Promise<URL> {
  await Promise.all([page.waitForEvent('load'), click()]);
  return new URL(page.url());
}

describe('the viewer browses the synced seed fabric', async () => {
  const repo = await harness.repository();
  await commitDirectory(repo.bare, `${SEED}/v2-e40d5442`, '', 'v2: files moved under raw/');
  const fabric = await harness.fabric(repo.id, DIR);
  const run = await harness.sync(fabric.id);
  let viewer: Person;

  it('has the seed fabric synced: 48 records', async () => {
    expect(run).toMatchObject({ status: 'succeeded', counts: { created: 48 } });
    viewer = await e2e.person('viewer');
    const fabrics = viewer.page.locator('.card').filter({ has: viewer.page.getByRole('heading', { name: 'Fabrics' }) });
    const row = fabrics.getByRole('row').filter({ hasText: fabric.name });
    // Both axes: git vs the mirror, and what the last sync left.
    expect(await row.innerText()).toMatch(/In sync\s+Healthy\s+48/);
    await screenshot(viewer.page, 'dashboard');
  });

  it('opens the Connections list from the CRDs menu', async () => {
    const { page } = viewer;
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.locator('summary', { hasText: 'CRDs' }).click();
    const url = await navigate(page, () => nav.getByRole('link', { name: 'Connections', exact: true }).click());
    expect(url.pathname).toBe('/crds/connections');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Connections');
    expect(await listCount(page)).toBe('Showing 1–26 of 26');
    expect(await listNames(page)).toHaveLength(26);
    // "Updated" reads as a time ago, with the time itself on hover.
    const updated = page.locator('time[data-relative]').first();
    expect(await updated.innerText()).toMatch(/^\d+ (s|min|h|days) ago$/);
    expect(await updated.getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await screenshot(page, 'crd-list');
  });

  it('searches by name, submitting with Enter', async () => {
    const { page } = viewer;
    const search = page.getByRole('search', { name: 'Search and filters' }).getByLabel('Search', { exact: true });
    await search.fill('leaf-05');
    const url = await navigate(page, () => search.press('Enter'));
    expect(url.searchParams.get('q')).toBe('leaf-05');
    expect(await listNames(page)).toEqual([
      'leaf-05--vpc-loopback',
      'server-09--unbundled--leaf-05',
      'server-10--bundled--leaf-05',
      'spine-01--fabric--leaf-05',
      'spine-02--fabric--leaf-05',
    ]);
    expect(await listCount(page)).toBe('Showing 1–5 of 5');
    expect(await page.getByTestId('filter-chips').innerText()).toContain('Search: leaf-05');
    await navigate(page, () => page.getByRole('link', { name: 'Remove filter Search' }).click());
    expect(await listCount(page)).toBe('Showing 1–26 of 26');
  });

  it('filters by connection type and fabric', async () => {
    const { page } = viewer;
    const filters = page.getByRole('search', { name: 'Search and filters' });
    await filters.getByLabel('Type', { exact: true }).selectOption('fabric');
    await filters.getByLabel('Fabric', { exact: true }).selectOption({ label: fabric.name });
    const url = await navigate(page, () => page.getByRole('button', { name: 'Apply' }).click());
    expect(url.searchParams.get('type')).toBe('fabric');
    expect(url.searchParams.get('fabric')).toBe(String(fabric.id));
    expect(await listCount(page)).toBe('Showing 1–10 of 10');
    const typeColumn = await columnIndex(page, 'type');
    const allTypes = await page.locator(`table[data-list] tbody tr td:nth-child(${typeColumn + 1})`).allInnerTexts();
    expect(allTypes).toEqual(Array(10).fill('fabric'));
    const chips = await page.getByTestId('filter-chips').innerText();
    expect(chips).toContain('Type: fabric');
    expect(chips).toContain(`Fabric: ${fabric.name}`);
  });

  it('sorts by a column, both ways', async () => {
    const { page } = viewer;
    const name = page.locator('th[data-column="name"]');
    expect(await name.getAttribute('aria-sort')).toBe('ascending');
    expect((await listNames(page))[0]).toBe('spine-01--fabric--leaf-01');
    await navigate(page, () => name.getByRole('link').click());
    expect(await name.getAttribute('aria-sort')).toBe('descending');
    const names = await listNames(page);
    expect(names[0]).toBe('spine-02--fabric--leaf-05');
    expect(names).toEqual([...names].sort().reverse());
    expect(await listCount(page)).toBe('Showing 1–10 of 10');
    await navigate(page, () => name.getByRole('link').click());
    expect(await name.getAttribute('aria-sort')).toBe('ascending');
  });

  it('pages through the list with 25 per page', async () => {
    const { page } = viewer;
    await navigate(page, () => page.getByRole('link', { name: 'Clear all' }).click());
    expect(await listCount(page)).toBe('Showing 1–26 of 26');
    const perPage = page.getByRole('navigation', { name: 'Per page' });
    expect(await perPage.locator('a, span.btn').allInnerTexts()).toEqual(['25', '50', '100', '250', '500', '1000']);
    await navigate(page, () => perPage.getByRole('link', { name: '25', exact: true }).click());
    expect(await listCount(page)).toBe('Showing 1–25 of 26');
    const firstPage = await listNames(page);
    const url = await navigate(page, () =>
      page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Next' }).click(),
    );
    expect(url.searchParams.get('page')).toBe('2');
    expect(url.searchParams.get('perPage')).toBe('25');
    expect(await listCount(page)).toBe('Showing 26–26 of 26');
    const secondPage = await listNames(page);
    expect(secondPage).toHaveLength(1);
    expect(firstPage).not.toContain(secondPage[0]);
  });

  it('opens a record: attributes, endpoints, references, source and YAML', async () => {
    const { page } = viewer;
    await page.goto('/crds/connections?q=server-05');
    await navigate(page, () => page.getByRole('link', { name: 'server-05--eslag--leaf-03--leaf-04' }).click());
    expect(new URL(page.url()).pathname).toMatch(/^\/crds\/connections\/\d+$/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
      'Connection server-05--eslag--leaf-03--leaf-04',
    );
    const endpoints = await page.locator('[data-panel="endpoints"]').innerText();
    for (const device of ['server-05', 'leaf-03', 'leaf-04']) expect(endpoints).toContain(device);
    const references = await page.getByTestId('references-out').innerText();
    expect(references).toContain('leaf-03');
    expect(await page.getByTestId('references-out').locator('.badge', { hasText: 'missing' }).count()).toBe(0);
    expect(await page.getByTestId('provenance').innerText()).toContain(`${DIR}raw/prepop.yaml:`);
    const yaml = await page.getByTestId('yaml').innerText();
    expect(yaml).toMatch(/^apiVersion: wiring\.githedgehog\.com\/v1beta1\nkind: Connection\nmetadata:/);
    expect(await page.getByRole('button', { name: 'Copy' }).isVisible()).toBe(true);
    await screenshot(page, 'record-detail');
  });

  it("clicks through related records: a Connection's switch, then the other end of the switch's port", async () => {
    const { page } = viewer;
    await page.goto('/crds/connections?q=server-05');
    const row = page.getByRole('row').filter({ hasText: 'server-05--eslag--leaf-03--leaf-04' });
    const switches = row.locator('td').nth(await columnIndex(page, 'switches'));
    expect(await switches.innerText()).toBe('leaf-03, leaf-04');
    expect(await switches.getByRole('link').count()).toBe(2);
    expect(
      await row
        .locator('td')
        .nth(await columnIndex(page, 'peers'))
        .innerText(),
    ).toBe('server-05');
    await navigate(page, () => switches.getByRole('link', { name: 'leaf-03' }).click());
    expect(new URL(page.url()).pathname).toMatch(/^\/crds\/switches\/\d+$/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Switch leaf-03');
    // The switch's groups are links too.
    const groups = page.locator('[data-panel="summary"] tr', { hasText: 'Groups' });
    expect(await groups.getByRole('link', { name: 'eslag-1' }).getAttribute('href')).toMatch(
      /^\/crds\/switchgroups\/\d+$/,
    );
    // E1/1 carries the ESLAG link to server-05; its other end is server-05's enp2s1.
    const port = page.locator('[data-panel="port-connections"] tr', {
      has: page.locator('code', { hasText: /^E1\/1$/ }),
    });
    expect(await port.innerText()).toMatch(/E1\/1\s+server-05--eslag--leaf-03--leaf-04\s+eslag\s+server-05\/enp2s1/);
    // A loopback's other end is another port of the same switch.
    const loop = page.locator('[data-panel="port-connections"] tr', {
      has: page.locator('code', { hasText: /^E1\/8$/ }),
    });
    expect(await loop.getByTestId('other-end').innerText()).toBe('leaf-03/E1/9');
    await screenshot(page, 'related-switch');
    await navigate(page, () => port.getByRole('link', { name: 'server-05/enp2s1' }).click());
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Server server-05');
    const back = page.locator('[data-panel="port-connections"] tr', {
      has: page.locator('code', { hasText: 'enp2s2' }),
    });
    expect(await back.getByTestId('other-end').innerText()).toBe('leaf-04/E1/1');
    expect(await back.getByRole('link', { name: 'leaf-04/E1/1' }).getAttribute('href')).toMatch(
      /^\/crds\/switches\/\d+$/,
    );
    await screenshot(page, 'related-server');
  });

  it('exports the filtered list as kubectl-ready YAML', async () => {
    const { page } = viewer;
    await page.goto(`/crds/connections?type=fabric&fabric=${fabric.id}`);
    await page.locator('summary', { hasText: 'Export' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /^YAML/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.yaml$/);
    const text = await readFile((await download.path())!, 'utf8');
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);
    expect(docs).toHaveLength(10);
    for (const doc of docs) {
      expect(Object.keys(doc)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
      expect(doc).toMatchObject({
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'Connection',
        metadata: { namespace: 'default' },
      });
      expect(Object.keys(doc.spec)).toEqual(['fabric']);
    }
  });

  it('is offered no Sync, Edit, Delete or admin action anywhere', async () => {
    const { page } = viewer;
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await page.goto(`/fabrics/${fabric.id}`);
    expect(await page.getByTestId('sync-status').innerText()).toContain('In sync');
    expect(await page.getByRole('button', { name: 'Sync' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await page.goto(`/repositories/${repo.id}`);
    for (const name of ['Test connection', 'Delete'])
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    for (const name of ['Edit', 'Add a fabric']) expect(await page.getByRole('link', { name }).count(), name).toBe(0);
    await page.goto('/repositories');
    expect(await page.getByRole('link', { name: 'Add a repository' }).count()).toBe(0);
    await page.goto('/fabrics');
    expect(await page.getByRole('link', { name: /^Add a fabric/ }).count()).toBe(0);
  });

  it('is refused (403) when it posts the actions anyway, with a valid CSRF token', async () => {
    const { page } = viewer;
    const csrf = await pageCsrf(page);
    const form = { _csrf: csrf };
    const attempts = {
      sync: await page.request.post(`/fabrics/${fabric.id}/sync`, { form }),
      editFabric: await page.request.post(`/fabrics/${fabric.id}`, { form: { ...form, name: 'renamed' } }),
      deleteFabric: await page.request.post(`/fabrics/${fabric.id}/delete`, { form }),
      addRepository: await page.request.post('/repositories', {
        form: { ...form, name: 'x', url: 'https://example.com/x.git', authType: 'none' },
      }),
      testRepository: await page.request.post(`/repositories/${repo.id}/test`, { form }),
      apiSync: await page.request.post(`/api/v1/fabrics/${fabric.id}/sync`, {
        headers: { 'X-CSRF-Token': csrf },
        data: {},
      }),
      newRepositoryForm: await page.request.get('/repositories/new'),
      users: await page.request.get('/admin/users'),
    };
    const statuses = Object.fromEntries(Object.entries(attempts).map(([k, r]) => [k, r.status()]));
    expect(statuses).toEqual({
      sync: 403,
      editFabric: 403,
      deleteFabric: 403,
      addRepository: 403,
      testRepository: 403,
      apiSync: 403,
      newRepositoryForm: 403,
      users: 403,
    });
    expect((await attempts.apiSync.json()).error.code).toBe('forbidden');
    expect((await harness.api.get(`/fabrics/${fabric.id}`)).body).toMatchObject({
      name: fabric.name,
      lastSyncRunId: run.id,
    });
  });

  it('reads the change log and a change', async () => {
    const { page } = viewer;
    await page.goto('/changes');
    expect(await listCount(page)).toMatch(/ of (\d+)$/);
    await screenshot(page, 'change-log');
    await page.goto(`/changes?syncRun=${run.id}&objectType=VPC`);
    expect(await listCount(page)).toBe('Showing 1–2 of 2');
    await navigate(page, () => page.locator('table[data-list] tbody tr td:first-child a').first().click());
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(
      /^Change #\d+: created VPC default\/test-vpc/,
    );
    expect(await page.locator('.attributes tr', { hasText: 'Action' }).locator('td').innerText()).toBe('Created');
    expect(await page.getByTestId('diff').innerText()).toContain('apiVersion: vpc.githedgehog.com/v1beta1');
    // The snapshot text must stand out from the green of an added line (Tabler draws <pre> light on dark).
    expect(await textContrast(page.getByTestId('diff').locator('tr.diff-add pre').first())).toBeGreaterThanOrEqual(4.5);
    await screenshot(page, 'change-detail');
  });

  it('met no console error or CSP violation on any page', () => {
    expect(viewer.problems).toEqual([]);
  });
});

/** The position of a list column in the table header. */
async function columnIndex(page: Page, key: string): Promise<number> {
  const keys = await page
    .locator('table[data-list] thead th')
    .evaluateAll((ths) => ths.map((th) => th.getAttribute('data-column')));
  const index = keys.indexOf(key);
  if (index === -1) throw new Error(`no column "${key}" in the list; columns: ${keys.join(', ')}`);
  return index;
}

/** The WCAG contrast ratio between an element's text colour and the background it is drawn on (the first opaque-ish ancestor, over white). */
function textContrast(element: Locator): Promise<number> {
  // The page's own globals, reached through the element: the project compiles without the DOM library.
  return element.evaluate((el) => {
    const doc = el.ownerDocument;
    const style = (node: unknown) =>
      doc.defaultView.getComputedStyle(node) as { color: string; backgroundColor: string };
    const canvas = doc.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    // The canvas turns any CSS colour (oklab, color-mix, alpha) into sRGB bytes, composited over what is below.
    const paint = (colors: string[]): number[] => {
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 1, 1);
      for (const color of colors) {
        ctx.fillStyle = color;
        ctx.fillRect(0, 0, 1, 1);
      }
      return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    };
    const backgrounds: string[] = [];
    for (let node = el; node; node = node.parentElement) backgrounds.unshift(style(node).backgroundColor);
    const luminance = (rgb: number[]) => {
      const [r, g, b] = rgb.map((v) => v / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const background = paint(backgrounds);
    const text = paint([...backgrounds, style(el).color]);
    const [a, b] = [luminance(text), luminance(background)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}
