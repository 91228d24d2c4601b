import { describe, expect, it } from 'vitest';
import { kindByName } from '../../src/crds';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { commitFiles } from '../helpers/gitServer';
import { useSyncHarness } from '../helpers/sync';

// The fabric's 23 built-in SwitchProfiles are catalogue entries: the SwitchProfile list (page and
// API) shows them ahead of any records, each has a page with its ports, and no fabric holds them
// as records (its records, counts and cachedCrdCount are what its directory holds).

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const DIR = 'wiring/';

const SWITCH = `apiVersion: wiring.githedgehog.com/v1beta1
kind: Switch
metadata:
  name: leaf-01
spec:
  role: server-leaf
  profile: dell-s5248f-on
  description: uses a built-in profile
`;

/** The "Showing a–b of N" line of a list page. */
const count = (html: string) => /data-testid="list-count">([^<]*)</.exec(html)?.[1] ?? '(no count)';

const repo = await h.repository();
await commitFiles(repo.bare, { [`${DIR}switch.yaml`]: SWITCH }, 'a switch');
const fabric = await h.fabric(repo.id, DIR);
await h.sync(fabric.id);

describe('built-in SwitchProfiles in the API', () => {
  it('lists all 23 ahead of the records, marked builtin, with when each exists', async () => {
    const res = await h.api.get('/crds?kind=SwitchProfile&perPage=100');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(23);
    const byName = new Map(res.body.items.map((i: { name: string }) => [i.name, i]));
    expect(byName.size).toBe(23);
    expect(byName.get('dell-s5248f-on')).toMatchObject({
      id: null,
      fabricId: null,
      builtin: true,
      kind: 'SwitchProfile',
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      annotations: { 'fabric.githedgehog.com/ports': '48xSFP28-25G, 8xQSFP28-100G' },
      availability: 'in every fabric configuration',
      spec: { displayName: 'Dell S5248F-ON', nosType: 'sonic-bcm-base' },
    });
    expect(byName.get('vs-clsp')).toMatchObject({
      availability: 'only when the fabric configuration includes Celestica SONiC+ (includeCLSP)',
    });
    expect(byName.get('cumulus-vx')).toMatchObject({
      availability: 'only when the fabric configuration includes Cumulus (includeCumulus)',
    });
    // The plural works as well as the kind.
    expect((await h.api.get('/crds?kind=switchprofiles')).body.total).toBe(23);
  });

  it('pages them as one sequence with the records, and filters them like records', async () => {
    const pages = await Promise.all([1, 2, 3].map((p) => h.api.get(`/crds?kind=SwitchProfile&perPage=10&page=${p}`)));
    expect(pages.map((p) => p.body.items.length)).toEqual([10, 10, 3]);
    const names = pages.flatMap((p) => p.body.items.map((i: { name: string }) => i.name));
    expect(new Set(names).size).toBe(23);
    expect(names).toEqual([...names].sort());
    const search = await h.api.get('/crds?kind=SwitchProfile&q=cumulus');
    expect(search.body.items.map((i: { name: string }) => i.name)).toEqual(['cumulus-vx']);
    // Spec text too (a platform string), as records are searched.
    expect((await h.api.get('/crds?kind=SwitchProfile&q=dellemc_s5248f')).body.total).toBe(1);
    const vs = await h.api.get('/crds?kind=SwitchProfile&nosType=sonic-bcm-vs');
    expect(vs.body.items.map((i: { name: string }) => i.name)).toEqual(['vs']);
    expect((await h.api.get('/crds?kind=SwitchProfile&validation=warning')).body.total).toBe(0);
    const desc = await h.api.get('/crds?kind=SwitchProfile&sort=-name&perPage=1');
    expect(desc.body.items[0].name).toBe('vs-clsp');
  });

  it('never counts them as a fabric’s records: a fabric holds what its directory holds', async () => {
    const f = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(f.cachedCrdCount).toBe(1);
    expect(f.countsByKind).toEqual({ Switch: 1 });
    const ofFabric = await h.api.get(`/crds?kind=SwitchProfile&fabric=${fabric.id}`);
    expect(ofFabric.body).toMatchObject({ items: [], total: 0 });
    const all = await h.api.get(`/crds?fabric=${fabric.id}`);
    expect(all.body.total).toBe(1);
  });
});

describe('built-in SwitchProfile pages', async () => {
  const viewer = await signInAs(app, 'viewer');

  it('lists them on the generic list page, linked to their pages, and the CRD index says how many', async () => {
    const res = await viewer.agent.get('/crds/switchprofiles');
    expect(res.status).toBe(200);
    expect(count(res.text)).toBe('Showing 1–23 of 23');
    expect(res.text).toContain('<a href="/crds/switchprofiles/builtin/dell-s5248f-on">dell-s5248f-on</a>');
    expect(res.text).toContain('Dell S5248F-ON');
    expect(res.text).toContain('built into the fabric');
    expect(res.text.match(/Built in<\/span>/g)).toHaveLength(23);
    const second = await viewer.agent.get('/crds/switchprofiles?perPage=25&page=1&sort=-name');
    expect(count(second.text)).toBe('Showing 1–23 of 23');
    // A fabric's list has none of them.
    const ofFabric = await viewer.agent.get(`/crds/switchprofiles?fabric=${fabric.id}`);
    expect(count(ofFabric.text)).toBe('Showing 0–0 of 0');
    const index = await viewer.agent.get('/crds');
    expect(index.text).toContain('data-builtins="SwitchProfile">and 23 built into the fabric</span>');
    const menu = await viewer.agent.get('/');
    expect(menu.text).toContain('<a class="dropdown-item" href="/crds/switchprofiles">Switch profiles</a>');
  });

  it('shows a profile with its ports, port groups, speeds and breakouts, features and limits, and who uses it', async () => {
    const res = await viewer.agent.get('/crds/switchprofiles/builtin/dell-s5248f-on');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Switch profile dell-s5248f-on');
    expect(res.text).toContain('built into the fabric: part of its catalogue, not a record of any fabric');
    expect(res.text).toContain('in every fabric configuration');
    for (const p of kindByName('SwitchProfile')!.panels!({}))
      expect(res.text, p.key).toContain(`data-panel="${p.key}"`);
    const panel = (key: string) => {
      const start = res.text.indexOf(`data-panel="${key}"`);
      return res.text.slice(start, res.text.indexOf('</table>', start));
    };
    const ports = panel('ports');
    // A grouped port: NOS name, label, group and the group's speeds.
    expect(ports).toContain(
      '<td>E1/1</td><td>Ethernet0</td><td>1</td><td>grouped</td><td>1</td><td>25G (10G, 25G)</td>',
    );
    // A breakout port: NOS name with its base name, its modes.
    expect(ports).toContain('<td>E1/49</td><td>1/49 (Ethernet48)</td><td>49</td><td>breakout</td>');
    expect(ports).toContain('1x100G (1x100G, 1x40G, 2x50G, 1x50G, 4x25G, 4x10G, 1x25G, 1x10G)');
    expect(ports).toContain('<td>M1</td><td>Management0</td>');
    expect(panel('port-groups')).toContain(
      '<td>1</td><td>1</td><td>SFP28-25G</td><td>25G (10G, 25G)</td><td>E1/1-E1/4</td>',
    );
    expect(panel('port-profiles')).toContain('<td>QSFP28-100G</td><td>breakout</td><td>1x100G</td>');
    expect(panel('features')).toContain('<td>RoCE</td><td>Yes</td>');
    expect(panel('features')).toContain('<td>ECMP RoCE QPN hashing</td><td>No</td>');
    expect(panel('limits')).toContain('no limit');
    // The switch of the fabric that names it, with its fabric.
    const usedBy = res.text.slice(res.text.indexOf('data-testid="references-in"'));
    expect(usedBy).toMatch(
      /<td>Switch<\/td><td><a href="\/crds\/switches\/\d+">leaf-01<\/a> <span class="text-secondary">in <a href="\/fabrics\/\d+">/,
    );
    expect(res.text).toContain('<span class="yaml-key">displayName</span>');
    expect(res.text).not.toContain('data-testid="history"');
  });

  it('shows the limits of a profile with pipelines, and when a profile exists', async () => {
    const ds5000 = await viewer.agent.get('/crds/switchprofiles/builtin/celestica-ds5000');
    expect(ds5000.text).toContain('<td>Ports in all (lanes of broken-out ports counted)</td><td>320</td>');
    expect(ds5000.text).toMatch(/<td>Ports in pipelines 1-\d+<\/td><td>at most 10 each<\/td>/);
    const clsp = await viewer.agent.get('/crds/switchprofiles/builtin/vs-clsp');
    expect(clsp.text).toContain('only when the fabric configuration includes Celestica SONiC+ (includeCLSP)');
    expect(clsp.text).toContain('No record of any fabric refers to this Switch profile.');
  });

  it('answers 404 for a name that is not built in, and for a kind without built-in entries', async () => {
    expect((await viewer.agent.get('/crds/switchprofiles/builtin/my-box')).status).toBe(404);
    expect((await viewer.agent.get('/crds/switchprofiles/builtin/Bad%20Name')).status).toBe(404);
    expect((await viewer.agent.get('/crds/vpcs/builtin/vs')).status).toBe(404);
  });

  it('links a switch’s profile to its catalogue page', async () => {
    const list = await viewer.agent.get(`/crds/switches?fabric=${fabric.id}`);
    expect(list.text).toContain('<a href="/crds/switchprofiles/builtin/dell-s5248f-on">dell-s5248f-on</a>');
  });
});
