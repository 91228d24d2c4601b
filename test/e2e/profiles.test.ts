// The fabric's built-in SwitchProfiles as a viewer browses them (CRDs menu → list → a profile's
// ports), and a fabric's settings as an admin edits them, at desktop width and at 390 px.
import { describe, expect, it } from 'vitest';
import { commitFiles } from '../helpers/gitServer';
import { overflow, screenshot, tablesScrollInTheirCards, useBrowserApp, type Person } from './helpers';

const e2e = await useBrowserApp();
const { harness } = e2e;

describe('the viewer browses the built-in switch profiles', async () => {
  let viewer: Person;

  it('opens Switch profiles from the CRDs menu: the 23 built-in profiles', async () => {
    viewer = await e2e.person('viewer');
    const { page } = viewer;
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.locator('summary', { hasText: 'CRDs' }).click();
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/crds/switchprofiles'),
      nav.getByRole('link', { name: 'Switch profiles', exact: true }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Switch profiles');
    expect(await page.getByTestId('list-count').innerText()).toBe('Showing 1–23 of 23');
    const row = page.locator('table[data-list] tbody tr').filter({ hasText: 'dell-s5248f-on' });
    expect(await row.innerText()).toMatch(
      /dell-s5248f-on\s+built into the fabric\s+default\s+Dell S5248F-ON\s+sonic-bcm-base/,
    );
    await screenshot(page, 'switch-profiles');
  });

  it('opens a profile and sees its ports: NOS names, labels, groups, speeds and breakouts', async () => {
    const { page } = viewer;
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/crds/switchprofiles/builtin/dell-s5248f-on'),
      page.getByRole('link', { name: 'dell-s5248f-on', exact: true }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Switch profile dell-s5248f-on');
    const ports = page.locator('[data-panel="ports"]');
    expect(await ports.getByRole('heading').innerText()).toBe('Ports');
    const cells = async (port: string) =>
      await ports
        .locator('tbody tr')
        .filter({ has: page.locator('td', { hasText: new RegExp(`^${port}$`) }) })
        .locator('td')
        .allInnerTexts();
    expect(await cells('E1/1')).toEqual(['E1/1', 'Ethernet0', '1', 'grouped', '1', '25G (10G, 25G)', '—', '—']);
    expect((await cells('E1/49')).slice(0, 4)).toEqual(['E1/49', '1/49 (Ethernet48)', '49', 'breakout']);
    expect(await ports.locator('tbody tr').count()).toBe(57);
    expect(await page.locator('[data-panel="features"]').innerText()).toMatch(/ESLAG\s+Yes/);
    expect(await page.getByTestId('availability').innerText()).toBe('in every fabric configuration');
    await screenshot(page, 'switch-profile');
  });

  it('fits the list and a profile page at 390 px, its tables scrolling inside their cards', async () => {
    const { page } = viewer;
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/crds/switchprofiles', '/crds/switchprofiles/builtin/celestica-ds5000']) {
      await page.goto(path);
      expect(await overflow(page), path).toBe(0);
      await tablesScrollInTheirCards(page, 390);
    }
    // The ports are there on a phone too.
    expect(await page.locator('[data-panel="ports"] tbody tr').count()).toBe(67);
    await screenshot(page, 'narrow-switch-profile');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('met no console error or CSP violation', () => expect(viewer.problems).toEqual([]));
});

describe('the admin changes a fabric’s settings', async () => {
  const repo = await harness.repository();
  await commitFiles(
    repo.bare,
    {
      'f/vlans.yaml':
        'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\nspec:\n  ranges:\n    - from: 3000\n      to: 3100\n',
    },
    'vlans',
  );
  const fabric = await harness.fabric(repo.id, 'f/');
  await harness.sync(fabric.id);
  let admin: Person;

  it('sees each default on the form, a named error, then the page saying a sync is needed', async () => {
    admin = await e2e.person('admin');
    const { page } = admin;
    await page.goto(`/fabrics/${fabric.id}/edit`);
    const settings = page.getByTestId('fabric-settings');
    expect(await settings.getByRole('heading', { level: 4 }).allInnerTexts()).toEqual([
      'Subnets',
      'VLANs',
      'MTU',
      'ASNs',
      'Mode and features',
    ]);
    const irb = page.getByLabel('VPC IRB VLANs');
    expect(await irb.inputValue()).toBe('3000-3899');
    await irb.fill('3899-3000');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Save' }).click()]);
    expect(await page.locator('#e-settings\\.vpcIRBVLANs').innerText()).toBe(
      'VPC IRB VLANs: the range 3899-3000 starts after it ends (3899 > 3000); expected 3000-3899',
    );
    await page.getByLabel('VPC IRB VLANs').fill('3500-3899');
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/fabrics/${fabric.id}`),
      page.getByRole('button', { name: 'Save' }).click(),
    ]);
    expect(await page.getByTestId('settings-pending').innerText()).toContain(
      'The fabric settings changed after the last sync',
    );
    expect(await page.locator('[data-setting="vpcIRBVLANs"]').innerText()).toMatch(/3500-3899\s+\(default 3000-3899\)/);
    expect(await page.getByTestId('config-source').innerText()).toContain('The last sync used these settings');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflow(page)).toBe(0);
    await tablesScrollInTheirCards(page, 390);
    await screenshot(page, 'narrow-fabric-settings');
  });

  it('met no console error or CSP violation but the refused form’s own 400', () =>
    expect(admin.problems.filter((p) => !/\/fabrics\/\d+: .*status of 400 \(Bad Request\)$/.test(p))).toEqual([]));
});
