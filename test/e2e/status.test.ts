// What the pages say about a fabric's two axes (sync status and health), its remote head and
// Refresh, and a failing repository, as an operator sees them at desktop width and at 390 px.
import { rename } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { commitDirectory, commitFiles } from '../helpers/gitServer';
import { SEED } from '../helpers/sync';
import { screenshot, useBrowserApp, type Person } from './helpers';

const e2e = await useBrowserApp();
const { harness } = e2e;
const DIR = 'gitops/hedgehog/fabric-1/';

describe('the status an operator reads', async () => {
  const repo = await harness.repository();
  await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1');
  const fabric = await harness.fabric(repo.id, DIR, { syncIntervalSeconds: 300 });
  const run = await harness.sync(fabric.id);
  let operator: Person;

  for (const width of [1440, 390]) {
    it(`at ${width} px: never a lone "In sync" after a partial run, on the dashboard, the list and the fabric page`, async () => {
      operator ??= await e2e.person('operator');
      const { page } = operator;
      await page.setViewportSize({ width, height: 900 });
      expect(run.status).toBe('partial');

      await page.goto('/');
      const row = page.getByRole('row').filter({ hasText: fabric.name });
      const dashboard = await row.getByTestId('fabric-status').innerText();
      expect(dashboard).toContain('In sync');
      expect(dashboard).toContain('Degraded · 2 invalid');

      await page.goto('/fabrics');
      const listed = await page.getByRole('row').filter({ hasText: fabric.name }).innerText();
      expect(listed).toContain('In sync');
      expect(listed).toContain('Degraded · 2 invalid');

      await page.goto(`/fabrics/${fabric.id}`);
      const status = page.getByTestId('sync-status');
      expect(await status.innerText()).toContain('In sync');
      const health = status.getByTestId('health');
      expect(await health.innerText()).toBe('Degraded · 2 invalid');
      expect(await health.getAttribute('href')).toBe(`/sync-runs/${run.id}`);
      expect(await page.getByTestId('remote-head').innerText()).toMatch(
        new RegExp(`${run.commit.sha.slice(0, 8)} checked \\d+ (s|min) ago`),
      );
      expect(await page.getByTestId('sync-interval').innerText()).toBe('every 5 min');
      expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, `fabric-status-${width}`);
    });
  }

  it('Refresh reads the moved branch at once: out of sync, the commit it is behind, nothing synced', async () => {
    const { page } = operator;
    await page.setViewportSize({ width: 1440, height: 900 });
    const head = await commitFiles(repo.bare, { 'README.md': 'moved on' }, 'unrelated change');
    await page.goto(`/fabrics/${fabric.id}`);
    await Promise.all([page.waitForURL(`**/fabrics/${fabric.id}`), page.getByTestId('refresh-button').click()]);
    expect(await page.getByRole('alert').filter({ hasText: 'Refreshed' }).innerText()).toContain(
      `the branch is at ${head.slice(0, 8)}, ahead of the synced commit. Nothing was synced.`,
    );
    expect(await page.getByTestId('sync-status').innerText()).toContain('Out of sync');
    expect(await page.getByTestId('behind').innerText()).toBe(
      `synced ${run.commit.sha.slice(0, 8)}, the branch is now at ${head.slice(0, 8)}`,
    );
    const history = page.locator('[data-run-row]');
    expect(await history.count()).toBe(1);
  });

  it('a failing repository: the dashboard says since when, the fabric page says why it cannot sync, the repository page shows the checks', async () => {
    const { page } = operator;
    await rename(repo.bare, `${repo.bare}.gone`);
    try {
      const tested = await harness.api.post(`/repositories/${repo.id}/test`);
      expect(tested.body.connectionStatus).toBe('failed');
      for (const width of [1440, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto('/');
        expect(await page.getByTestId('failing-repositories').innerText()).toMatch(
          new RegExp(`^1 repository failing since \\d\\d:\\d\\d UTC: ${repo.name} \\(repository not found at `),
        );
        await page.goto(`/fabrics/${fabric.id}`);
        expect(await page.getByTestId('repository-failing').innerText()).toMatch(
          /is failing since \d\d:\d\d UTC: repository not found at .*This fabric cannot sync until it is reachable again\./s,
        );
        await page.goto(`/repositories/${repo.id}`);
        const strip = page.getByTestId('check-history');
        expect(await strip.locator('.check-mark.ok').count()).toBeGreaterThanOrEqual(0);
        expect(await strip.locator('.check-mark.failed').count()).toBe(1);
        expect(await page.getByTestId('latest-check-error').innerText()).toMatch(
          /^Latest error \(.* UTC, not_found\): repository not found at /,
        );
        expect(await page.getByTestId('connection-status').innerText()).toMatch(/^Failed failing since \d\d:\d\d UTC/);
        expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(width);
        await screenshot(page, `repository-failing-${width}`);
      }
    } finally {
      await rename(`${repo.bare}.gone`, repo.bare);
    }
    expect(operator.problems).toEqual([]);
  });
});
