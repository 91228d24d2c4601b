// Issue 12, the operator's day in Chromium: a gitops directory that is gone at the new commit,
// the navigation's global search, and people's passwords (their own, and an admin's reset and
// deletion), each as the person who meets it, at desktop width and at 390 px.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { commitDirectory, commitFiles } from '../helpers/gitServer';
import { PASSWORD } from '../helpers/factories';
import { SEED } from '../helpers/sync';
import { loginAs, screenshot, useBrowserApp, watchConsole, type Person } from './helpers';

const e2e = await useBrowserApp();
const { harness } = e2e;
const DIR = 'gitops/hedgehog/fabric-1/';

/** Clicks and waits for the page that the click leads to. */
async function navigate(page: Page, click: () => Promise<void>): Promise<URL> {
  await Promise.all([page.waitForEvent('load'), click()]);
  return new URL(page.url());
}

/** The width of the page itself (what would scroll sideways). */
function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as any).document.scrollingElement.scrollWidth);
}

describe("the operator's day", async () => {
  const repo = await harness.repository();
  await commitDirectory(repo.bare, `${SEED}/v2-e40d5442`, '', 'v2');
  const fabric = await harness.fabric(repo.id, DIR);
  const first = await harness.sync(fabric.id);
  let operator: Person;

  it(
    'a directory gone at the new commit: the run fails naming it, the commit and the directories there; nothing is deleted',
    { timeout: 120_000 },
    async () => {
      expect(first).toMatchObject({ status: 'succeeded', counts: { created: 48 } });
      operator = await e2e.person('operator');
      const { page } = operator;
      // The fabric's files move to another directory: the directory the fabric follows is gone.
      const moved = await commitFiles(
        repo.bare,
        { 'gitops/hedgehog/fabric-2/README.md': 'moved here', 'README.md': 'the fabric moved' },
        'move the fabric',
        { replaceAll: true },
      );
      await page.goto(`/fabrics/${fabric.id}`);
      await page.getByTestId('sync-button').click();
      // public/app.js follows the run and reloads the page when it ends.
      await page.getByTestId('last-result').locator('.badge', { hasText: 'Failed' }).waitFor({ timeout: 60_000 });
      const result = await page.getByTestId('last-result').innerText();
      expect(result).toContain(`directory "${DIR}" does not exist at commit ${moved.slice(0, 12)}`);
      expect(result).toContain('gitops/hedgehog/fabric-2/');
      // Error on the sync axis, the last good commit still shown; the records stay as they were.
      const status = await page.getByTestId('sync-status').innerText();
      expect(status).toContain('Error');
      expect(await page.locator('#records [data-testid="list-count"]').innerText()).toBe('Showing 1–48 of 48');
      await screenshot(page, 'day-missing-directory');
      for (const width of [390, 1440]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto('/');
        const row = page
          .locator('.card')
          .filter({ has: page.getByRole('heading', { name: 'Fabrics' }) })
          .getByRole('row')
          .filter({ hasText: fabric.name });
        expect(await row.getByTestId('fabric-status').innerText()).toContain('Error');
        expect(await row.getByRole('link', { name: '48' }).isVisible()).toBe(true);
        expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      }
      // The next good commit syncs again.
      await commitDirectory(repo.bare, `${SEED}/v2-e40d5442`, '', 'v2 back', { replaceAll: true });
      expect((await harness.sync(fabric.id)).status).toBe('succeeded');
    },
  );

  for (const width of [1440, 390]) {
    it(`at ${width} px: finds a record by its IP and by its MAC from the navigation's search`, async () => {
      const { page } = operator;
      await page.setViewportSize({ width, height: 900 });
      await page.goto('/');
      // At 390 px the navigation (and its search) is behind the Menu button.
      const search = page.getByRole('searchbox', { name: 'Search everything' });
      if (!(await search.isVisible())) await page.locator('label', { hasText: 'Menu' }).click();
      await search.fill('10.0.1.0/24');
      await navigate(page, () => search.press('Enter'));
      expect(new URL(page.url()).search).toBe('?q=10.0.1.0%2F24');
      expect(await page.getByTestId('search-summary').innerText()).toBe(
        '1 record, 0 fabrics, 0 repositories and 0 sync runs match “10.0.1.0/24”.',
      );
      const records = page.getByTestId('search-records');
      expect(await records.getByRole('link', { name: 'VPCs 1' }).isVisible()).toBe(true);
      await navigate(page, () => records.getByRole('link', { name: 'test-vpc' }).click());
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('VPC test-vpc');
      // A switch's boot MAC, typed in the search box of the page now shown.
      const again = page.getByRole('searchbox', { name: 'Search everything' });
      if (!(await again.isVisible())) await page.locator('label', { hasText: 'Menu' }).click();
      await again.fill('0c:20:12:ff:02:00');
      await navigate(page, () => again.press('Enter'));
      const found = page.getByTestId('search-records');
      expect(await found.locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^leaf-03\s+Switch\s+/)]);
      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      await screenshot(page, `day-search-${width}`);
    });
  }

  it(
    'changes their own password: the current one is needed, the other sessions end, the new one signs in',
    { timeout: 120_000 },
    async () => {
      const { page, user } = operator;
      await page.setViewportSize({ width: 1440, height: 900 });
      // The same person on another computer.
      const elsewhere = await e2e.browser.newContext({ baseURL: e2e.baseUrl });
      const other = await elsewhere.newPage();
      operator.problems.push(...watchConsole(other));
      await other.goto('/login');
      await other.getByLabel('Username').fill(user.username);
      await other.getByLabel('Password').fill(PASSWORD);
      await navigate(other, () => other.getByLabel('Password').press('Enter'));
      expect(new URL(other.url()).pathname).toBe('/');

      await page.locator('.user-menu summary').click();
      await navigate(page, () => page.getByRole('link', { name: 'Change password' }).click());
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Change your password');
      const next = 'a-new-passphrase-for-today';
      await page.getByLabel('Current password').fill('not-the-password');
      await page.getByLabel('New password', { exact: true }).fill(next);
      await page.getByLabel('New password again').fill(next);
      await navigate(page, () => page.getByRole('button', { name: 'Change password' }).click());
      expect(await page.locator('.invalid-feedback, .alert-danger').first().innerText()).toMatch(/current password/i);
      await page.getByLabel('Current password').fill(PASSWORD);
      await page.getByLabel('New password', { exact: true }).fill(next);
      await page.getByLabel('New password again').fill(next);
      await navigate(page, () => page.getByRole('button', { name: 'Change password' }).click());
      expect(await page.getByRole('alert').first().innerText()).toMatch(/password (was )?changed/i);
      await screenshot(page, 'day-password-changed');
      // This session stays; the other one is signed out.
      await page.goto('/');
      expect(new URL(page.url()).pathname).toBe('/');
      await other.goto('/');
      expect(new URL(other.url()).pathname).toBe('/login');
      await other.getByLabel('Username').fill(user.username);
      await other.getByLabel('Password').fill(next);
      await navigate(other, () => other.getByLabel('Password').press('Enter'));
      expect(new URL(other.url()).pathname).toBe('/');
      await elsewhere.close();
    },
  );

  it(
    "an admin resets a user's password and deletes a user after a confirmation page, both in the change log",
    { timeout: 120_000 },
    async () => {
      const admin = await e2e.person('admin');
      const { page } = admin;
      const colleague = await e2e.browser.newContext({ baseURL: e2e.baseUrl });
      const theirs = await colleague.newPage();
      admin.problems.push(...watchConsole(theirs));
      const subject = await loginAs(theirs, 'viewer');

      await page.goto('/admin/users');
      await navigate(page, () => page.getByRole('link', { name: `Reset the password of ${subject.username}` }).click());
      const reset = 'reset-by-the-admin-today';
      await page.getByLabel('New password', { exact: true }).fill(reset);
      await page.getByLabel('New password again').fill(reset);
      await navigate(page, () => page.getByRole('button', { name: 'Reset password' }).click());
      await theirs.goto('/');
      expect(new URL(theirs.url()).pathname).toBe('/login');
      await theirs.getByLabel('Username').fill(subject.username);
      await theirs.getByLabel('Password').fill(reset);
      await navigate(theirs, () => theirs.getByLabel('Password').press('Enter'));
      expect(new URL(theirs.url()).pathname).toBe('/');

      await page.goto('/admin/users');
      await navigate(page, () => page.getByRole('link', { name: `Delete ${subject.username}` }).click());
      // A page of its own asks first (it works without JavaScript: a form); nothing is deleted yet.
      expect(await page.getByTestId('confirm').innerText()).toContain(subject.username);
      await page.goto('/admin/users');
      expect(await page.getByRole('row').filter({ hasText: subject.username }).count()).toBe(1);
      await navigate(page, () => page.getByRole('link', { name: `Delete ${subject.username}` }).click());
      await navigate(page, () => page.getByTestId('confirm').getByRole('button').click());
      expect(await page.getByRole('row').filter({ hasText: subject.username }).count()).toBe(0);
      await screenshot(page, 'day-user-deleted');

      await page.goto(`/changes?objectType=User&q=${subject.username}`);
      const log = await page.locator('table[data-list] tbody').innerText();
      expect(log).toMatch(/Deleted/);
      expect(log).toMatch(/Updated/);
      await colleague.close();
      expect(admin.problems).toEqual([]);
    },
  );

  it('met no console error or CSP violation on any page', () =>
    // Chromium logs the 400 of the form sent with a wrong current password (on purpose, above).
    expect(
      operator.problems.filter((p) => !/\/account\/password: console error: .* status of 400 \(Bad Request\)$/.test(p)),
    ).toEqual([]));
});
