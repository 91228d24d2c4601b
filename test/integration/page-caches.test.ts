// Lists keep totals and the ids of pages, and the record page keeps its rendered body, between
// requests (src/records/recordsVersion.ts, src/web/recordPage.ts). Whatever a user does, a
// page must never show what was true before a sync, a rename or a deletion.
import { describe, expect, it } from 'vitest';
import { findKind } from '../../src/crds';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { buildFabric, buildRecord, csrfFrom, signInAs, unique, type SignedIn } from '../helpers/factories';
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

// A kind's list page and a record's page are kept rendered (src/web/keptPages.ts) under the
// records' version, the address, the user's row version and the session's CSRF token; the API
// list's answer under the records' version and the address. Every change below is written
// straight to the database, as another web process or the worker writes it: this process hears
// of none of them, and must still show each on the very next request.
describe('rendered list pages kept between requests', () => {
  const slug = findKind('SwitchGroup')!.slug;
  const listNames = (html: string) =>
    [...html.matchAll(new RegExp(`<a href="/crds/${slug}/\\d+">([^<]+)</a>`, 'g'))].map((m) => m[1]);
  async function get(who: SignedIn, path: string): Promise<string> {
    const res = await who.agent.get(path);
    expect(res.status, path).toBe(200);
    return res.text;
  }

  it('show new records, a renamed fabric, a new role, new columns and a disabled user at once (lists, record pages, the API list)', async () => {
    const fabric = await buildFabric();
    const first = await buildRecord({ fabricId: fabric.id, name: unique('sg-a') });
    const user = await signInAs(app, 'viewer');
    const path = `/crds/${slug}?fabric=${fabric.id}`;
    const recordPath = `/crds/${slug}/${first.id}`;
    const apiPath = `/crds?kind=SwitchGroup&fabric=${fabric.id}`;
    const apiNames = async () => {
      const bySession = await user.agent.get(`/api/v1${apiPath}`).expect(200);
      const byToken = await harness.api.get(apiPath).expect(200);
      expect(byToken.text).toBe(bySession.text);
      return (bySession.body.items as { name: string }[]).map((r) => r.name);
    };
    const kept = await get(user, path);
    expect(listNames(kept)).toEqual([first.name]);
    expect(await get(user, path)).toBe(kept);
    const keptRecord = await get(user, recordPath);
    expect(await get(user, recordPath)).toBe(keptRecord);
    expect(await apiNames()).toEqual([first.name]);
    expect(await apiNames()).toEqual([first.name]);

    // Records written as a sync writes them: the fabric's row updated in the same transaction.
    const second = await buildRecord({ fabricId: fabric.id, name: unique('sg-b') });
    expect(listNames(await get(user, path))).toEqual([first.name, second.name]);
    expect(await apiNames()).toEqual([first.name, second.name]);

    // The fabric renamed: the fabric filter's choice and the chip show the new name.
    const renamed = unique('renamed');
    await db().fabric.update({ where: { id: fabric.id }, data: { name: renamed } });
    expect(await get(user, path)).toContain(`>${renamed}<`);
    expect(await get(user, recordPath)).toContain(`>${renamed}<`);

    // The user's role: an admin's menu has Admin.
    expect(await get(user, path)).not.toContain('href="/admin/users"');
    expect(await get(user, recordPath)).not.toContain('href="/admin/users"');
    await db().user.update({ where: { id: user.user.id }, data: { role: 'admin' } });
    expect(await get(user, path)).toContain('href="/admin/users"');
    expect(await get(user, recordPath)).toContain('href="/admin/users"');

    // Columns chosen through the form: the page after it shows its message once, then the page
    // without it; both with the chosen columns.
    expect(await get(user, path)).not.toContain('data-column="source"');
    await user.agent
      .post('/preferences/columns')
      .type('form')
      .send({ _csrf: user.csrf, list: `crd:SwitchGroup`, columns: ['name', 'source'], next: path })
      .expect(302);
    const saved = await get(user, path);
    expect(saved).toContain('Columns saved.');
    expect(saved).toContain('data-column="source"');
    const after = await get(user, path);
    expect(after).not.toContain('Columns saved.');
    expect(after).toContain('data-column="source"');
    expect(await get(user, path)).toBe(after);

    // Disabled: the next request is sent to sign in.
    await db().user.update({ where: { id: user.user.id }, data: { disabled: true } });
    const res = await user.agent.get(path);
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  // A record's kept page is current while its fabric's and repository's row versions, read with
  // the session's user, are those it was rendered at: such a request runs no statement of its own.
  it("show a record's page afresh after its repository is renamed or the record deleted, and not under another kind", async () => {
    const fabric = await buildFabric();
    const record = await buildRecord({ fabricId: fabric.id, name: unique('sg-page') });
    const user = await signInAs(app, 'viewer');
    const path = `/crds/${slug}/${record.id}`;
    const kept = await get(user, path);
    expect(kept).toContain(`>${record.name}<`);
    expect(await get(user, path)).toBe(kept);

    // The repository renamed (its name and link are on the page), as another process writes it.
    const renamed = unique('repo-renamed');
    await db().gitRepository.update({ where: { id: fabric.repositoryId }, data: { name: renamed } });
    const afterRename = await get(user, path);
    expect(afterRename).toContain(`>${renamed}</a>`);
    expect(await get(user, path)).toBe(afterRename);

    // The same record under another kind's address: not found, kept page or not.
    expect((await user.agent.get(`/crds/${findKind('VPC')!.slug}/${record.id}`)).status).toBe(404);

    // The kept page rests on the row versions alone: a record removed without its fabric's row
    // (no sync does that) is still shown, which is how this test knows no statement looked it up.
    await db().crdRecord.delete({ where: { id: record.id } });
    expect(await get(user, path)).toBe(afterRename);
    // Deleted as a sync deletes it, with its fabric's row updated: not found on the next request.
    await db().fabric.update({ where: { id: fabric.id }, data: { lastSyncedAt: new Date() } });
    expect((await user.agent.get(path)).status).toBe(404);
  });

  it("give each session its own forms' CSRF token, and another user their own menu", async () => {
    const fabric = await buildFabric();
    await buildRecord({ fabricId: fabric.id });
    const path = `/crds/${slug}?fabric=${fabric.id}`;
    const one = await signInAs(app, 'viewer');
    const two = await signInAs(app, 'admin');
    const record = `/crds/${slug}/${(await db().crdRecord.findFirstOrThrow({ where: { fabricId: fabric.id } })).id}`;
    for (const who of [one, two, one, two])
      for (const html of [await get(who, path), await get(who, record)]) {
        expect(csrfFrom(html)).toBe(who.csrf);
        expect(html).toContain(`>${who.user.username} `);
        expect(html.includes('href="/admin/users"')).toBe(who.user.role === 'admin');
      }
  });
});
