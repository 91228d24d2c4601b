import { describe, expect, it } from 'vitest';
import { generateFabricOfSize } from '../../bench/fabricGen';
import { loadFabric } from '../../bench/fabricLoad';
import { db } from '../../src/db';
import { unique } from '../helpers/factories';
import { commitDirectory, commitFiles } from '../helpers/gitServer';
import { SEED } from '../helpers/sync';
import { screenshot, useBrowserApp, type Person } from './helpers';

const e2e = await useBrowserApp();
const { harness } = e2e;
const DIR = 'gitops/hedgehog/fabric-1/';

const ATTACHMENT = `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPCAttachment
metadata:
  name: test-vpc--server-05
spec:
  subnet: test-vpc/test-subnet
  connection: server-05--eslag--leaf-03--leaf-04
`;

describe('the topology of the seed fabric in Chromium', async () => {
  const repo = await harness.repository();
  await commitDirectory(repo.bare, `${SEED}/v2-e40d5442`, '', 'v2');
  await commitFiles(repo.bare, { [`${DIR}raw/attachments.yaml`]: ATTACHMENT }, 'attach test-vpc to server-05');
  const fabric = await harness.fabric(repo.id, DIR);
  const run = await harness.sync(fabric.id);
  let viewer: Person;

  it('opens from the fabric page and draws the 7 switches and 10 servers, spines above leaves', async () => {
    expect(run.status).toBe('succeeded');
    viewer = await e2e.person('viewer');
    const { page } = viewer;
    await page.goto(`/fabrics/${fabric.id}`);
    await Promise.all([page.waitForURL(/\/topology$/), page.getByTestId('topology-link').click()]);
    const svg = page.getByTestId('topology-svg');
    await svg.waitFor();
    expect(await svg.locator('.node.tier-spine').count()).toBe(2);
    expect(await svg.locator('.node.tier-leaf').count()).toBe(5);
    expect(await svg.locator('.node.tier-server').count()).toBe(10);
    expect(await page.getByTestId('topology-summary').innerText()).toMatch(/7 switches, 10 servers, 51 links/);
    const spine = await svg.locator('[data-id="Switch/spine-01"]').boundingBox();
    const leaf = await svg.locator('[data-id="Switch/leaf-01"]').boundingBox();
    const server = await svg.locator('[data-id="Server/server-01"]').boundingBox();
    expect(spine!.y).toBeLessThan(leaf!.y);
    expect(leaf!.y).toBeLessThan(server!.y);
    // Pan and zoom are on: the zoom buttons show and change the view.
    const before = await svg.getAttribute('viewBox');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    expect(await svg.getAttribute('viewBox')).not.toBe(before);
    await page.getByRole('button', { name: 'Fit' }).click();
    await screenshot(page, 'topology-seed');
    expect(viewer.problems).toEqual([]);
  });

  it('highlights the servers and leaves that carry a VPC', async () => {
    const { page } = viewer;
    // Choosing a VPC shows it (the script submits the form; without it, the Show button does).
    await Promise.all([page.waitForURL(/vpc=test-vpc/), page.getByLabel('VPC overlay').selectOption('test-vpc')]);
    const svg = page.getByTestId('topology-svg');
    const highlighted = await svg.locator('.node.hl').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(highlighted.sort()).toEqual(['Server/server-05', 'Switch/leaf-03', 'Switch/leaf-04']);
    expect(await svg.locator('a[data-connection="server-05--eslag--leaf-03--leaf-04"] .link.hl').count()).toBe(2);
    expect(await page.getByTestId('topology-summary').innerText()).toContain('VPC test-vpc highlighted');
    await screenshot(page, 'topology-seed-vpc');
  });

  it('finds a node as one types, and opens its record on a click', async () => {
    const { page } = viewer;
    await page.getByLabel('Find a node').fill('server-07');
    const match = page.getByTestId('topology-svg').locator('.node.match');
    await expect.poll(() => match.count()).toBe(1);
    expect(await match.getAttribute('data-id')).toBe('Server/server-07');
    const leaf = await db().crdRecord.findFirstOrThrow({
      where: { fabricId: fabric.id, kind: 'Switch', name: 'leaf-01' },
    });
    await Promise.all([
      page.waitForURL(`**/crds/switches/${leaf.id}`),
      page.locator('[data-id="Switch/leaf-01"] rect').click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('leaf-01');
    // The switch's record page has its port map.
    const portMap = page.locator('[data-panel="port-map"]');
    expect(await portMap.getByTestId('port-map-summary').innerText()).toMatch(
      /\(vs\): 48 ports, [1-9]\d* used, \d+ free/,
    );
    expect(await portMap.locator('li.port.used').count()).toBeGreaterThan(0);
    await portMap.scrollIntoViewIfNeeded();
    await screenshot(page, 'switch-port-map');
    expect(viewer.problems).toEqual([]);
  });

  it('fits a 390 px wide screen', async () => {
    const { page } = viewer;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/fabrics/${fabric.id}/topology?vpc=test-vpc`);
    const box = await page.getByTestId('topology-svg').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'topology-seed-390');
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});

describe('the topology of a generated fabric of 500 switches and 10,000 servers', async () => {
  const name = unique('large');
  const { fabricId } = await loadFabric(generateFabricOfSize(500, 10_000), name);
  let viewer: Person;

  it('draws the racks collapsed to counts, and opens one in place on a click', async () => {
    viewer = await e2e.person('viewer');
    const { page } = viewer;
    await page.goto(`/fabrics/${fabricId}/topology`);
    const svg = page.getByTestId('topology-svg');
    expect(await page.getByTestId('topology-summary').innerText()).toMatch(/500 switches, 10,000 servers/);
    expect(await svg.locator('.node.tier-server').count()).toBe(0);
    expect(await svg.locator('.node.tier-spine').count()).toBe(4);
    const rack = svg.locator('a.rack[data-rack="rack/eslag-001"]');
    expect(await rack.textContent()).toContain('40 servers');
    await screenshot(page, 'topology-large');
    await rack.locator('rect').click();
    await expect.poll(() => svg.locator('.node.tier-server').count()).toBe(40);
    // Opened in place: the page did not reload, the address says what is open.
    expect(page.url()).toContain('expand=rack%2Feslag-001');
    expect(viewer.problems).toEqual([]);
  });

  it('highlights a VPC: its rack says how many of its servers carry it', async () => {
    const { page } = viewer;
    await page.goto(`/fabrics/${fabricId}/topology?vpc=vpc-00001`);
    const svg = page.getByTestId('topology-svg');
    expect(await svg.locator('a.rack.hl').count()).toBe(1);
    expect(await svg.locator('a.rack.hl').textContent()).toContain('10 in VPC');
    expect(await svg.locator('.node.hl').count()).toBe(2);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await screenshot(page, 'topology-large-390');
    expect(viewer.problems).toEqual([]);
  });
});
