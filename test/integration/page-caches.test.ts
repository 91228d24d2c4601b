// Lists keep totals and the ids of pages, and the record page keeps its rendered body, between
// requests (src/records/recordsVersion.ts, src/web/recordPage.ts). Whatever a user does, a
// page must never show what was true before a sync, a rename or a deletion.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { switchYaml } from '../helpers/fixtures';
import { commitFiles } from '../helpers/gitServer';
import { useSyncHarness } from '../helpers/sync';

await useTestEnvironment();
const app = createApp();
const harness = await useSyncHarness(app);
const viewer = await signInAs(app, 'viewer');

const sw = (name: string, description: string) => switchYaml(name, `\n  description: ${description}`);

const count = (html: string) => /data-testid="list-count">([^<]*)</.exec(html)?.[1];
const names = (html: string) => [...html.matchAll(/<a href="\/crds\/switches\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);

async function page(path: string): Promise<string> {
  const res = await viewer.agent.get(path);
  expect(res.status, path).toBe(200);
  return res.text;
}

describe('pages kept between requests', () => {
  it('show a sync, a rename and a deletion at once', async () => {
    const repo = await harness.repository();
    await commitFiles(
      repo.bare,
      { 'fabric/leaf-01.yaml': sw('leaf-01', 'first words'), 'fabric/leaf-02.yaml': sw('leaf-02', 'two') },
      'v1',
      { branch: 'main' },
    );
    const fabric = await harness.fabric(repo.id, 'fabric/');
    expect((await harness.sync(fabric.id)).status).toBe('succeeded');

    const list = `/crds/switches?fabric=${fabric.id}`;
    const pageTwo = `/crds/switches?fabric=${fabric.id}&perPage=25&page=2`;
    for (let i = 0; i < 2; i++) {
      const html = await page(list);
      expect(count(html)).toBe('Showing 1–2 of 2');
      expect(names(html)).toEqual(['leaf-01', 'leaf-02']);
      expect(count(await page(pageTwo))).toBe('Showing 0–0 of 2');
    }
    const leaf = (await harness.api.get(`/crds?kind=Switch&fabric=${fabric.id}&q=leaf-01`)).body.items[0];
    const detail = `/crds/switches/${leaf.id}`;
    expect(await page(detail)).toContain('first words');

    // A sync that edits one switch, removes one and adds 30.
    const added = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [
        `fabric/new-${i}.yaml`,
        sw(`leaf-${String(i + 10).padStart(2, '0')}`, 'new'),
      ]),
    );
    await commitFiles(
      repo.bare,
      { 'fabric/leaf-01.yaml': sw('leaf-01', 'second words'), 'fabric/leaf-02.yaml': null, ...added },
      'v2',
      { branch: 'main' },
    );
    expect((await harness.sync(fabric.id)).status).toBe('succeeded');
    const after = await page(list);
    expect(count(after)).toBe('Showing 1–31 of 31');
    expect(names(after)).not.toContain('leaf-02');
    expect(count(await page(pageTwo))).toBe('Showing 26–31 of 31');
    const edited = await page(detail);
    expect(edited).toContain('second words');
    expect(edited).not.toContain('first words');
    // The history lists the update of this sync.
    expect(edited.match(/<td><a href="\/changes\/\d+">#\d+<\/a>/g)).toHaveLength(2);

    await harness.api.patch(`/fabrics/${fabric.id}`, { name: `${fabric.name}-renamed` }).expect(200);
    expect(await page(detail)).toContain(`${fabric.name}-renamed`);

    await harness.api.delete(`/fabrics/${fabric.id}`).expect(204);
    expect((await viewer.agent.get(detail)).status).toBe(404);
    expect(count(await page(`/crds/switches?q=leaf-01`))).not.toMatch(/of [1-9]/);
  });
});
