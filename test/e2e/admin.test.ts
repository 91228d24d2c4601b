import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitDirectory, createBareRepo } from '../helpers/gitServer';
import { SEED } from '../helpers/sync';
import { screenshot, useBrowserApp, type Person } from './helpers';

const e2e = await useBrowserApp({ worker: false });
const { harness } = e2e;
const DIR = 'gitops/hedgehog/fabric-1/';

describe('the admin sets up a repository and a fabric in the browser', async () => {
  const repoName = `seed-${randomBytes(3).toString('hex')}`;
  const bare = await createBareRepo(harness.server.root, repoName);
  await commitDirectory(bare, `${SEED}/v1-735989ad`, '', 'v1');
  const fabricName = `fabric-1-${randomBytes(3).toString('hex')}`;
  let admin: Person;
  let repositoryPath = '';

  /** Fails when the git password shows up anywhere in the page being shown. */
  async function expectNoSecret(where: string) {
    const html = await admin.page.content();
    expect(html.includes(harness.password), `the secret is in the HTML of ${where}`).toBe(false);
  }

  it('leads a new install from the dashboard to the repository form', async () => {
    admin = await e2e.person('admin');
    const { page } = admin;
    await page.getByRole('heading', { name: 'Getting started' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(1);
    await screenshot(page, 'dashboard-new-install');
    await page.getByRole('link', { name: 'add a repository' }).click();
    await page.waitForURL('**/repositories/new');
  });

  it('shows the credential fields of the chosen authentication type only: a password input, a textarea only for an SSH key', async () => {
    const { page } = admin;
    const username = page.getByLabel('Username', { exact: true });
    const secret = page.getByLabel('Secret', { exact: true });
    const key = page.getByLabel('SSH private key');
    const knownHosts = page.getByLabel('Known hosts');
    const shown = async () =>
      Promise.all([username.isVisible(), secret.isVisible(), key.isVisible(), knownHosts.isVisible()]);
    expect(await page.getByLabel('Authentication').inputValue()).toBe('none');
    expect(await shown()).toEqual([false, false, false, false]);
    await page.getByLabel('Authentication').selectOption({ label: 'SSH key' });
    expect(await shown()).toEqual([false, false, true, true]);
    expect(await key.evaluate((el) => el.tagName)).toBe('TEXTAREA');
    await page.getByLabel('Authentication').selectOption({ label: 'Username and password' });
    expect(await shown()).toEqual([true, true, false, false]);
    expect(await secret.getAttribute('type')).toBe('password');
  });

  it('adds the repository with a username and password, and never shows the password again', async () => {
    const { page } = admin;
    await page.getByLabel('Name', { exact: true }).fill(repoName);
    await page.getByLabel('URL').fill(harness.server.url(repoName));
    await page.getByLabel('Username', { exact: true }).fill('gituser');
    await page.getByLabel('Secret', { exact: true }).fill(harness.password);
    await Promise.all([page.waitForURL(/\/repositories\/\d+$/), page.getByRole('button', { name: 'Create' }).click()]);
    repositoryPath = new URL(page.url()).pathname;
    await page
      .getByRole('alert')
      .filter({ hasText: `Repository ${repoName} created` })
      .waitFor();
    expect(await page.getByTestId('connection-status').innerText()).toBe('Not tested');
    expect(await page.locator('.attributes').first().innerText()).toContain('Stored (encrypted, write-only)');
    await expectNoSecret('the new repository page');
  });

  it('tests the connection and shows the green Connected badge', async () => {
    const { page } = admin;
    await Promise.all([
      page.waitForURL(`**${repositoryPath}`),
      page.getByRole('button', { name: 'Test connection' }).click(),
    ]);
    await page.getByRole('alert').filter({ hasText: 'Connected: main is at' }).waitFor();
    const badge = page.getByTestId('connection-status').locator('.badge');
    expect(await badge.innerText()).toBe('Connected');
    expect(await badge.getAttribute('class')).toContain('bg-green-lt');
    expect(
      await page
        .locator('code')
        .filter({ hasText: /^[0-9a-f]{40}$/ })
        .count(),
    ).toBe(1);
    await expectNoSecret('the tested repository page');
    await screenshot(page, 'repository');
  });

  it('never pre-fills the secret on edit, and keeps it when the field is left empty', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(`**${repositoryPath}/edit`);
    const secret = page.getByLabel('Secret', { exact: true });
    expect(await secret.inputValue()).toBe('');
    expect(await secret.getAttribute('placeholder')).toBe('set — replace?');
    expect(await page.getByLabel('Username', { exact: true }).inputValue()).toBe('gituser');
    await expectNoSecret('the repository form');
    await Promise.all([page.waitForURL(`**${repositoryPath}`), page.getByRole('button', { name: 'Save' }).click()]);
    await Promise.all([
      page.waitForURL(`**${repositoryPath}`),
      page.getByRole('button', { name: 'Test connection' }).click(),
    ]);
    expect(await page.getByTestId('connection-status').innerText()).toBe('Connected');
    const api = await page.request.get(`/api/v1${repositoryPath}`);
    expect(api.status()).toBe(200);
    const body = await api.text();
    expect(JSON.parse(body)).toMatchObject({ hasCredentials: true, connectionStatus: 'connected' });
    expect(body).not.toContain(harness.password);
  });

  it('adds a fabric on the seed directory from the repository page, submitting the form with Enter', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Add a fabric' }).click();
    await page.waitForURL(/\/fabrics\/new\?repository=\d+$/);
    expect(await page.getByLabel('Repository').locator('option:checked').innerText()).toBe(repoName);
    await page.getByLabel('GitOps directory').fill(DIR);
    await page.getByLabel('Name', { exact: true }).fill(fabricName);
    await Promise.all([page.waitForURL(/\/fabrics\/\d+$/), page.getByLabel('Name', { exact: true }).press('Enter')]);
    await page
      .getByRole('alert')
      .filter({ hasText: `Fabric ${fabricName} created` })
      .waitFor();
    expect(await page.getByTestId('sync-status').innerText()).toContain('Never synced');
    expect(await page.locator('.attributes').filter({ hasText: 'Directory' }).innerText()).toContain(DIR);
    await expectNoSecret('the fabric page');
  });

  it('shows the fabric and the connected repository on the dashboard', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    const fabrics = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Fabrics' }) });
    const row = fabrics.getByRole('row').filter({ hasText: fabricName });
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain('Never synced');
    const repos = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Repositories' }) });
    expect(await repos.getByRole('row').filter({ hasText: repoName }).innerText()).toContain('Connected');
    expect(await page.getByRole('heading', { name: 'Getting started' }).innerText()).toBe('Getting started');
    expect(await page.locator('.getting-started').innerText()).toContain('press Sync');
    await expectNoSecret('the dashboard');
    await screenshot(page, 'dashboard-admin');
  });

  it('shows a red Failed badge and the reason for a wrong password, without echoing it', async () => {
    const { page } = admin;
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    await page.goto('/repositories/new');
    await page.getByLabel('Name', { exact: true }).fill(`${repoName}-wrong`);
    await page.getByLabel('URL').fill(harness.server.url(repoName));
    await page.getByLabel('Authentication').selectOption('basic');
    await page.getByLabel('Username', { exact: true }).fill('gituser');
    await page.getByLabel('Secret', { exact: true }).fill(wrong);
    await Promise.all([page.waitForURL(/\/repositories\/\d+$/), page.getByRole('button', { name: 'Create' }).click()]);
    await Promise.all([
      page.waitForURL(/\/repositories\/\d+$/),
      page.getByRole('button', { name: 'Test connection' }).click(),
    ]);
    const badge = page.getByTestId('connection-status').locator('.badge');
    expect(await badge.innerText()).toBe('Failed');
    expect(await badge.getAttribute('class')).toContain('bg-red-lt');
    expect(
      await page.locator('.attributes').filter({ hasText: 'Last error' }).locator('.text-danger').innerText(),
    ).not.toBe('');
    expect(await page.content()).not.toContain(wrong);
  });

  it('met no console error or CSP violation on any page', () => {
    expect(admin.problems).toEqual([]);
  });
});
