import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { switchYaml } from '../helpers/fixtures';
import { commitFiles } from '../helpers/gitServer';
import { useSyncHarness } from '../helpers/sync';

// "Adding a kind is one file in src/crds/kinds/ plus one line in the catalogue"
// (docs/ARCHITECTURE.md): the file is test/fixtures/new-kind/rack.ts, the line is this mock
// of src/crds/catalogue.ts, and nothing else in the app is told about racks.
vi.mock('../../src/crds/catalogue', async (importOriginal) => {
  const { kinds } = await importOriginal<typeof import('../../src/crds/catalogue')>();
  const { rack } = await import('../fixtures/new-kind/rack');
  return { kinds: [...kinds, rack] };
});

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);

const rackYaml = (
  name: string,
  row: string,
  position: number,
  switches: string[],
) => `apiVersion: inventory.githedgehog.com/v1alpha1
kind: Rack
metadata:
  name: ${name}
spec:
  row: ${row}
  position: ${position}
  switches: [${switches.join(', ')}]
`;

describe('a new kind, added as one file and one catalogue line', () => {
  it('is synced with its cross-record rules, and shown in the menu, lists, record page, exports, REST API and OpenAPI', async () => {
    const repo = await h.repository();
    await commitFiles(
      repo.bare,
      {
        'f/switches.yaml': [switchYaml('leaf-1'), switchYaml('leaf-2')].join('---\n'),
        'f/racks.yaml': [
          rackYaml('r1', 'A', 1, ['leaf-1', 'leaf-2']),
          rackYaml('r2', 'B', 2, ['leaf-2']),
          rackYaml('r3', 'B', 3, ['leaf-9']),
        ].join('---\n'),
      },
      'racks',
    );
    const fabric = await h.fabric(repo.id, 'f/');
    const run = await h.sync(fabric.id);
    expect(run).toMatchObject({ status: 'succeeded', counts: { created: 5, invalid: 0, skipped: 0 } });

    // The sync: records of the kind, with the kind's own cross-record rule and the engine's reference check.
    const racks = await db().crdRecord.findMany({
      where: { fabricId: fabric.id, kind: 'Rack' },
      orderBy: { name: 'asc' },
    });
    expect(racks.map((r) => [r.name, r.apiVersion, r.validationState])).toEqual([
      ['r1', 'inventory.githedgehog.com/v1alpha1', 'valid'],
      ['r2', 'inventory.githedgehog.com/v1alpha1', 'warning'],
      ['r3', 'inventory.githedgehog.com/v1alpha1', 'warning'],
    ]);
    const r2 = racks[1]!;
    expect(JSON.stringify(r2.validationMessages)).toContain('Switch \\"leaf-2\\" is already in Rack \\"r1\\"');
    expect(JSON.stringify(racks[2]!.validationMessages)).toContain('leaf-9');

    const viewer = await signInAs(app, 'viewer');
    // The menu: a section for the new API group, with the kind in it.
    const home = await viewer.agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toMatch(
      /<h6 class="dropdown-header">Inventory API<\/h6>\s*<a class="dropdown-item" href="\/crds\/racks">Racks<\/a>/,
    );
    // The kinds' index and the fabric's page count it.
    expect((await viewer.agent.get('/crds')).text).toContain('href="/crds/racks');
    expect((await viewer.agent.get(`/fabrics/${fabric.id}`)).text).toContain('Racks');

    // The list: its columns, a filter derived from a column, and a link to each switch.
    const list = await viewer.agent.get(`/crds/racks?fabric=${fabric.id}`);
    expect(list.status).toBe(200);
    for (const text of ['Row', 'Position', 'Switches', '>r1<', '>r2<', '>r3<']) expect(list.text).toContain(text);
    expect(list.text).toMatch(/href="\/crds\/switches\/\d+"[^>]*>leaf-1</);
    const rowB = await viewer.agent.get(`/crds/racks?fabric=${fabric.id}&row=B`);
    expect(rowB.text).toContain('>r2<');
    expect(rowB.text).not.toContain('>r1<');

    // The record page: its panel, its warning, its YAML.
    const page = await viewer.agent.get(`/crds/racks/${r2.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Switches in the rack');
    expect(page.text).toContain('Switch &quot;leaf-2&quot; is already in Rack &quot;r1&quot;');
    expect(page.text).toContain('inventory.githedgehog.com/v1alpha1');

    // The exports, of the kind's list and of the fabric's records.
    const csv = await viewer.agent.get(`/crds/racks?fabric=${fabric.id}&export=csv`);
    expect(csv.status).toBe(200);
    expect(csv.text.split('\n')[0]).toMatch(/Row,Position,Switches/);
    expect(csv.text).toContain('"leaf-1, leaf-2"');
    const fabricYaml = await viewer.agent.get(`/fabrics/${fabric.id}?kind=racks&export=yaml`);
    expect(fabricYaml.status).toBe(200);
    expect(fabricYaml.text.match(/^kind: Rack$/gm)).toHaveLength(3);

    // The REST API: by name, plural or slug; the derived filter; one record.
    const api = await h.api.get(`/crds?kind=Rack&fabric=${fabric.id}`);
    expect(api.status).toBe(200);
    expect(api.body.total).toBe(3);
    expect(api.body.items[0]).toMatchObject({ kind: 'Rack', apiVersion: 'inventory.githedgehog.com/v1alpha1' });
    expect((await h.api.get(`/crds?kind=racks&fabric=${fabric.id}&row=A`)).body.total).toBe(1);
    const one = await h.api.get(`/crds/${r2.id}`);
    expect(one.body).toMatchObject({ kind: 'Rack', name: 'r2', spec: { row: 'B', switches: ['leaf-2'] } });
    expect(one.body.validation.state).toBe('warning');

    // OpenAPI: the kinds the API takes, read from the catalogue.
    const doc = await request(app).get('/api/v1/openapi.json');
    const kindParam = doc.body.paths['/crds'].get.parameters.find((p: { name: string }) => p.name === 'kind');
    expect(kindParam.schema.description).toMatch(/VPC, .*, Rack$/);
  });
});
