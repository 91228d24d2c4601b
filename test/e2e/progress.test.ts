// Issue 12: live progress that agrees with itself. A run held in its parsing stage (no worker
// here: the test moves it along in the database, as a worker's progress events would) shows
// the same state at the same moment in the fabric page's banner, the fabric's badge and the
// run's history row, and on the run's page: the stage with n/m files, updated live.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { buildFabric, buildSyncRun } from '../helpers/factories';
import { screenshot, useBrowserApp } from './helpers';

const e2e = await useBrowserApp({ worker: false });

/** The banner, the fabric's badge and the run's history row, read in one go. */
function fabricPageSays(page: Page, runId: number) {
  return page.evaluate((id) => {
    const doc = (globalThis as any).document;
    const text = (selector: string) => doc.querySelector(selector)?.textContent.trim() ?? null;
    return {
      banner: `${text(`[data-run-progress="${id}"] [data-field="status"]`)} ${text(`[data-run-progress="${id}"] [data-field="detail"]`)}`,
      badge: text('[data-testid="fabric-status"] .badge'),
      history: text(`[data-run-row="${id}"] [data-field="run-status"] .badge`),
    };
  }, runId);
}

describe('live progress of a sync run', async () => {
  const fabric = await buildFabric();
  const run = await buildSyncRun({
    fabricId: fabric.id,
    status: 'running',
    stage: 'parsing',
    progressDone: 3,
    progressTotal: 10,
    startedAt: new Date(),
    heartbeatAt: new Date(),
    finishedAt: null,
  });
  await db().fabric.update({ where: { id: fabric.id }, data: { syncStatus: 'syncing', lastSyncRunId: run.id } });

  it('says the same in the banner, the badge and the history row, and follows the files parsed', async () => {
    const { page, problems } = await e2e.person('operator');
    await page.goto(`/fabrics/${fabric.id}`);
    expect(await fabricPageSays(page, run.id)).toEqual({
      banner: 'Running — parsing 3/10 files',
      badge: 'Syncing',
      history: 'Running',
    });
    expect(await page.getByTestId('sync-button').isDisabled()).toBe(true);
    await db().syncRun.update({ where: { id: run.id }, data: { progressDone: 7 } });
    // public/app.js polls the run: the next poll updates all three at once.
    await page.waitForFunction(
      (id) => (globalThis as any).document.querySelector(`[data-run-progress="${id}"]`).textContent.includes('7/10'),
      run.id,
      { timeout: 10_000 },
    );
    expect(await fabricPageSays(page, run.id)).toEqual({
      banner: 'Running — parsing 7/10 files',
      badge: 'Syncing',
      history: 'Running',
    });
    await screenshot(page, 'progress-fabric');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/sync-runs/${run.id}`);
    expect((await page.locator(`[data-run-progress="${run.id}"]`).innerText()).replace(/\s+/g, ' ')).toContain(
      'This run: Running — parsing 7/10 files',
    );
    expect(await page.getByTestId('run-status').innerText()).toBe('Running');
    expect(await page.evaluate(() => (globalThis as any).document.scrollingElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await screenshot(page, 'progress-run-390');

    // The run ends: the page reloads by itself and shows the result.
    await Promise.all([
      page.waitForEvent('load', { timeout: 10_000 }),
      db().syncRun.update({
        where: { id: run.id },
        data: { status: 'succeeded', stage: 'done', finishedAt: new Date(), durationMs: 1200 },
      }),
    ]);
    expect(await page.locator('[data-run-progress]').count()).toBe(0);
    expect(await page.getByTestId('run-status').innerText()).toBe('Succeeded');
    expect(problems).toEqual([]);
  });
});
