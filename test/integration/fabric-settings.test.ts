import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { commitFiles } from '../helpers/gitServer';
import { useSyncHarness } from '../helpers/sync';

// A fabric's own settings (its configuration when its directory holds no Fabricator document),
// through the REST API and the form: stored, shown, validated with the field named, and used by
// the next sync, which judges the documents again even at the same commit.

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const DIR = 'fabric/';

// Overlaps the fabric's VPC IRB VLANs (3000-3899 by default): an error, as the fabric's webhook refuses it.
const VLANS = `apiVersion: wiring.githedgehog.com/v1beta1
kind: VLANNamespace
metadata:
  name: default
spec:
  ranges:
    - from: 3000
      to: 3100
`;
const FABRICATOR = `apiVersion: fabricator.githedgehog.com/v1beta1
kind: Fabricator
metadata:
  name: default
  namespace: fab
spec:
  config:
    fabric:
      vpcIRBVLANs:
        - from: 3500
          to: 3899
`;

describe('fabric settings through the REST API', () => {
  it('are Hedgehog’s defaults until set, every value in the fabric object beside the DESIGN §6 fields', async () => {
    const repo = await h.repository();
    await commitFiles(repo.bare, { [`${DIR}vlans.yaml`]: VLANS }, 'vlans');
    const fabric = await h.fabric(repo.id, DIR);
    expect(fabric).toMatchObject({
      revision: null,
      branch: null,
      cachedCrdCount: 0,
      settingsPendingSync: false,
      configSource: null,
      settings: {
        fabricSubnet: '172.30.128.0/17',
        vpcIRBVLANs: [{ from: 3000, to: 3899 }],
        fabricMTU: 9100,
        serverFacingMTUOffset: 64,
        spineASN: 65100,
        leafASNStart: 65101,
        leafASNEnd: 65533,
        enableGateway: null,
      },
    });
  });

  it('refuses a bad value with a 400 naming the field and the value, and keeps the settings', async () => {
    const repo = await h.repository();
    const fabric = await h.fabric(repo.id, DIR, { settings: { spineASN: 64512 } });
    expect((fabric.settings as { spineASN: number }).spineASN).toBe(64512);
    const bad = await h.api.patch(`/fabrics/${fabric.id}`, {
      settings: { fabricSubnet: '10.0.0.0/33', vpcIRBVLANs: [{ from: 3899, to: 3000 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual({
      'settings.fabricSubnet':
        'Fabric subnet: "10.0.0.0/33" is not a CIDR (expected an IPv4 prefix such as 172.30.128.0/17)',
      'settings.vpcIRBVLANs':
        'VPC IRB VLANs: the range 3899-3000 starts after it ends (3899 > 3000); expected 3000-3899',
    });
    const range = await h.api.patch(`/fabrics/${fabric.id}`, { settings: { leafASNStart: 65600 } });
    expect(range.status).toBe(400);
    expect(range.body.error.message).toContain(
      "settings.leafASNStart: Leaf ASN range start: 65600 is after the range's end 65533",
    );
    const after = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(after.settings).toMatchObject({ fabricSubnet: '172.30.128.0/17', spineASN: 64512, leafASNStart: 65101 });
    // null puts a setting back to its default.
    const reset = await h.api.patch(`/fabrics/${fabric.id}`, { settings: { spineASN: null } });
    expect(reset.body.settings.spineASN).toBe(65100);
  });

  it('a setting changes a document’s verdict after the next sync, which re-reads the same commit', async () => {
    const repo = await h.repository();
    await commitFiles(repo.bare, { [`${DIR}vlans.yaml`]: VLANS }, 'vlans');
    const fabric = await h.fabric(repo.id, DIR);
    const first = await h.sync(fabric.id);
    expect(first.status).toBe('partial');
    expect(first.counts.invalid).toBe(1);
    expect(first.configSource).toEqual({ source: 'settings' });
    expect(first.files[0].errors[0].message).toContain("overlaps the fabric's VPC IRB VLANs 3000-3899");

    const changed = await h.api.patch(`/fabrics/${fabric.id}`, {
      settings: { vpcIRBVLANs: [{ from: 3500, to: 3899 }] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ settingsPendingSync: true, syncStatus: 'out_of_sync' });
    // The change log keeps what changed: the settings as stored (what differs from the defaults).
    const change = await db().changeRecord.findFirstOrThrow({
      where: { objectType: 'Fabric', objectId: fabric.id, action: 'update' },
      orderBy: { id: 'desc' },
    });
    expect(change.before).toMatchObject({ settings: {} });
    expect(change.after).toMatchObject({ settings: { vpcIRBVLANs: [{ from: 3500, to: 3899 }] } });

    const second = await h.sync(fabric.id);
    expect(second.commit.sha).toBe(first.commit.sha);
    expect(second).toMatchObject({ status: 'succeeded', configSource: { source: 'settings' } });
    expect(second.counts).toMatchObject({ invalid: 0, created: 1 });
    expect((await h.api.get(`/fabrics/${fabric.id}`)).body).toMatchObject({
      settingsPendingSync: false,
      syncStatus: 'in_sync',
      health: 'healthy',
      cachedCrdCount: 1,
      configSource: { source: 'settings' },
    });
    // Nothing changed since: the same commit is not read again.
    const third = await h.sync(fabric.id);
    expect(third.counts).toMatchObject({ files: 0, unchanged: 1 });

    // Back to the default: the document is invalid again at the next sync (an incremental read too).
    await h.api.patch(`/fabrics/${fabric.id}`, { settings: { vpcIRBVLANs: null } });
    const fourth = await h.sync(fabric.id);
    expect(fourth.counts.invalid).toBe(1);
  });

  it('a Fabricator document in the directory wins over the settings, and the fabric says it was used', async () => {
    const repo = await h.repository();
    await commitFiles(repo.bare, { [`${DIR}vlans.yaml`]: VLANS, [`${DIR}fab.yaml`]: FABRICATOR }, 'with fabricator');
    // These settings would keep 3000-3100 invalid, but the Fabricator document moves the IRB VLANs away.
    const fabric = await h.fabric(repo.id, DIR, { settings: { vpcIRBVLANs: '3000-3100' } });
    const run = await h.sync(fabric.id);
    expect(run).toMatchObject({
      status: 'succeeded',
      configSource: { source: 'fabricator', path: `${DIR}fab.yaml`, line: 1 },
    });
    expect(run.counts).toMatchObject({ invalid: 0, skipped: 1 });
    // A settings change does not ask for a sync while the Fabricator document decides.
    const changed = await h.api.patch(`/fabrics/${fabric.id}`, { settings: { fabricMTU: 9000 } });
    expect(changed.body).toMatchObject({
      settingsPendingSync: false,
      syncStatus: 'in_sync',
      configSource: { source: 'fabricator', path: `${DIR}fab.yaml`, line: 1 },
    });
  });
});

describe('fabric settings on the form and the fabric page', async () => {
  const admin = await signInAs(app, 'admin');

  it('shows each default, names the field in errors, saves, says a sync is needed and which source was used', async () => {
    const repo = await h.repository();
    await commitFiles(repo.bare, { [`${DIR}vlans.yaml`]: VLANS }, 'vlans');
    const fabric = await h.fabric(repo.id, DIR);
    await h.sync(fabric.id);

    const form = await admin.agent.get(`/fabrics/${fabric.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Fabric settings');
    expect(form.text).toContain('name="settings.fabricSubnet"');
    expect(form.text).toContain('value="172.30.128.0/17"');
    expect(form.text).toContain('Default: 3000-3899.');
    expect(form.text).toContain('Auto (default): on when the directory holds gateway documents');

    const base = {
      _csrf: admin.csrf,
      name: fabric.name,
      repositoryId: repo.id,
      gitopsDirectory: DIR,
      prune: 'on',
      enabled: 'on',
    };
    const bad = await admin.agent
      .post(`/fabrics/${fabric.id}`)
      .type('form')
      .send({ ...base, 'settings.fabricSubnet': '172.30.128.0/40', 'settings.vpcIRBVLANs': '3500-3000' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Fabric subnet: &quot;172.30.128.0/40&quot; is not a CIDR');
    expect(bad.text).toContain('VPC IRB VLANs: the range 3500-3000 starts after it ends');
    // The values typed are kept for correction.
    expect(bad.text).toContain('value="172.30.128.0/40"');

    const saved = await admin.agent
      .post(`/fabrics/${fabric.id}`)
      .type('form')
      .send({
        ...base,
        'settings.vpcIRBVLANs': '3500-3899',
        'settings.enableGateway': 'auto',
        'settings.includeCLSP': 'off',
      });
    expect(saved.status).toBe(302);
    const pending = await admin.agent.get(`/fabrics/${fabric.id}`);
    expect(pending.text).toContain('The fabric settings changed after the last sync');
    expect(pending.text).toMatch(
      /data-setting="vpcIRBVLANs"><th>VPC IRB VLANs<\/th><td><code>3500-3899<\/code> <span class="text-secondary">\(default 3000-3899\)/,
    );
    expect(pending.text).toContain(
      'The last sync used these settings: the directory holds no <code>Fabricator</code> document.',
    );
    const api = (await h.api.get(`/fabrics/${fabric.id}`)).body;
    expect(api.settings.vpcIRBVLANs).toEqual([{ from: 3500, to: 3899 }]);

    const run = await h.sync(fabric.id);
    expect(run.counts.invalid).toBe(0);
    const after = await admin.agent.get(`/fabrics/${fabric.id}`);
    expect(after.text).not.toContain('The fabric settings changed after the last sync');
  });
});
