import { afterAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/jobs/workers';
import { commitDirectory } from '../helpers/gitServer';
import { SEED } from '../helpers/sync';
import { screenshot, tabTo, useBrowserApp, type Person } from './helpers';

// No worker at first: the run stays queued until the test starts one, so the page in between
// (Sync disabled, progress shown) is seen every time, however fast the sync is.
const e2e = await useBrowserApp({ worker: false });
const { harness } = e2e;
const DIR = 'gitops/hedgehog/fabric-1/';
let workers: { close(): Promise<void> } | undefined;
afterAll(async () => {
  await workers?.close();
});

describe('the operator syncs the seed fabric and watches it in the browser', async () => {
  const repo = await harness.repository();
  await commitDirectory(repo.bare, `${SEED}/v1-735989ad`, '', 'v1: prepop and two test VPCs');
  const fabric = await harness.fabric(repo.id, DIR);
  let operator: Person;
  let runId = 0;
  const polls: string[] = [];
  let loads = 0;

  it('reaches the Sync button with the keyboard and presses it with Enter', async () => {
    operator = await e2e.person('operator');
    const { page } = operator;
    await page.goto(`/fabrics/${fabric.id}`);
    expect(await page.getByTestId('sync-status').innerText()).toContain('Never synced');
    expect(await page.getByRole('button', { name: 'Sync', exact: true }).isEnabled()).toBe(true);
    expect(await tabTo(page, '[data-testid="sync-button"]')).not.toBeNull();
    page.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/api/v1/sync-runs/')) polls.push(req.url());
    });
    page.on('load', () => loads++);
    await Promise.all([page.waitForURL(`**/fabrics/${fabric.id}`), page.keyboard.press('Enter')]);
    const flash = await page
      .getByRole('alert')
      .filter({ hasText: /Sync run #\d+ queued/ })
      .innerText();
    runId = Number(/#(\d+)/.exec(flash)![1]);
  });

  it('disables Sync with the reason while the run is queued, and shows its progress', async () => {
    const { page } = operator;
    const button = page.getByTestId('sync-button');
    expect(await button.isDisabled()).toBe(true);
    expect(await button.getAttribute('title')).toBe(`Sync run #${runId} is queued`);
    const progress = page.locator(`[data-run-progress="${runId}"]`);
    expect(await progress.getAttribute('role')).toBe('status');
    // The banner, the fabric's badge and the run's history row agree.
    expect(await progress.locator('[data-field="status"]').innerText()).toBe('Queued');
    expect(await page.getByTestId('fabric-status').locator('.badge').first().innerText()).toBe('Queued');
    expect(await page.locator(`[data-run-row="${runId}"] [data-field="run-status"]`).innerText()).toBe('Queued');
    await screenshot(page, 'fabric-sync-queued');
  });

  it('follows the run live and shows the result without a manual reload', async () => {
    const { page } = operator;
    const loadsBefore = loads;
    workers = await startWorkers({ concurrency: 1 });
    await page.getByTestId('last-result').waitFor({ timeout: 30_000 });
    expect(polls.some((url) => url.endsWith(`/api/v1/sync-runs/${runId}`))).toBe(true);
    // The one navigation after pressing Sync is public/app.js reloading the page at the end of the run.
    expect(loads).toBe(loadsBefore + 1);
    expect(await page.locator('[data-run-progress]').count()).toBe(0);
    expect(await page.getByTestId('sync-button').isEnabled()).toBe(true);
  }, 40_000);

  it('shows the last result: partial, 46 created, the duplicate error naming both files with lines', async () => {
    const { page } = operator;
    const result = page.getByTestId('last-result');
    expect(await result.locator('.badge').innerText()).toBe('Partial');
    const text = await result.innerText();
    expect(text).toContain(`run #${runId}`);
    expect(text).toMatch(
      /\b46 created, 0 updated, 0 unchanged, 0 deleted, 0 skipped, 2 invalid — 3 files, 48 documents/,
    );
    expect(text).toContain('v1: prepop and two test VPCs');
    const errors = await result.locator('li').allInnerTexts();
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      // Each error names its file first, then the line (the fabric page shows the first few errors of a run).
      expect(error).toMatch(/^\S+\.yaml line \d+: VPC default\/test-vpc is defined more than once/);
      expect(error).toContain(`${DIR}test-vpc.yaml`);
      expect(error).toContain(`${DIR}test-vpc-2.yaml`);
    }
    expect(await page.getByTestId('sync-status').innerText()).toContain('In sync');
    expect(await page.getByTestId('health').innerText()).toBe('Degraded · 2 invalid');
  });

  it('shows the counts per kind, linking to the filtered lists', async () => {
    const { page } = operator;
    const counts: Record<string, string> = {};
    for (const kind of ['Connection', 'Server', 'Switch', 'SwitchGroup', 'VPC'])
      counts[kind] = await page.locator(`td[data-kind="${kind}"]`).innerText();
    expect(counts).toEqual({ Connection: '26', Server: '10', Switch: '7', SwitchGroup: '3', VPC: '0' });
    const link = page
      .locator('.card')
      .filter({ has: page.getByRole('heading', { name: 'Records by kind' }) })
      .getByRole('link', { name: 'Connections' });
    expect(await link.getAttribute('href')).toBe(`/crds/connections?fabric=${fabric.id}`);
    const history = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Sync history' }) });
    expect(
      await history
        .getByRole('row')
        .filter({ hasText: `#${runId}` })
        .innerText(),
    ).toContain(operator.user.username);
    await screenshot(page, 'fabric');
  });

  it('offers the operator no Edit, Delete or admin action', async () => {
    const { page } = operator;
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
  });

  it('shows the run page with stages and their timings, per-file results and the created records', async () => {
    const { page } = operator;
    await page
      .getByTestId('last-result')
      .getByRole('link', { name: `run #${runId}` })
      .click();
    await page.waitForURL(`**/sync-runs/${runId}`);
    expect(await page.getByTestId('run-status').innerText()).toBe('Partial');
    const run = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Run', exact: true }) });
    expect(await run.innerText()).toContain(`${operator.user.username} (manual)`);

    const stages = page
      .locator('.card')
      .filter({ has: page.getByRole('heading', { name: 'Stages' }) })
      .getByRole('row');
    const stageRows = await stages.allInnerTexts();
    expect(stageRows.length).toBeGreaterThanOrEqual(3);
    for (const row of stageRows) expect(row).toMatch(/^\w[\w -]*\s+\d+(\.\d)? (ms|s)$/);

    const files = page
      .locator('.card')
      .filter({ has: page.getByRole('heading', { name: 'Files' }) })
      .locator('tbody tr');
    expect(await files.count()).toBe(3);
    const prepop = files.filter({ hasText: `${DIR}prepop.yaml` });
    expect(await prepop.locator('td').nth(1).innerText()).toBe('46');
    expect(await prepop.locator('.badge').innerText()).toBe('warnings');
    // A long list of warnings is folded; opening it shows each with its line.
    const warnings = prepop.locator('details');
    const count = Number(/^(\d+) warnings$/.exec(await warnings.locator('summary').innerText())![1]);
    expect(
      await warnings
        .locator('.text-warning', { hasText: /^line \d+: / })
        .first()
        .isVisible(),
    ).toBe(false);
    await warnings.locator('summary').click();
    expect(await warnings.locator('div.text-warning', { hasText: /^line \d+: / }).count()).toBe(count);
    expect(await warnings.locator('div.text-warning').first().isVisible()).toBe(true);
    for (const name of ['test-vpc.yaml', 'test-vpc-2.yaml']) {
      const row = files.filter({ has: page.locator('code', { hasText: new RegExp(`^${DIR}${name}$`) }) });
      expect(await row.locator('.text-danger').innerText()).toMatch(
        /^line \d+: VPC default\/test-vpc is defined more than once/,
      );
    }

    const changes = page.locator('.card').filter({ has: page.getByRole('heading', { name: /^Changes/ }) });
    expect(await changes.getByRole('heading').innerText()).toBe('Changes (46)');
    const leaf = changes.getByRole('link', { name: 'default/leaf-01', exact: true });
    expect(await leaf.getAttribute('href')).toMatch(/^\/crds\/switches\/\d+$/);
    await screenshot(page, 'sync-run');
  });

  it('met no console error or CSP violation on any page', () => {
    expect(operator.problems).toEqual([]);
  });
});
