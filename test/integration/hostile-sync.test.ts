import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { kindByName } from '../../src/crds';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import {
  binaryFile,
  bomAndCrlf,
  deeplyNested,
  fixture,
  hugeYaml,
  invalidUtf8,
  manyDocuments,
  RAW_MARKERS,
} from '../fixtures/hostile';
import { useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { commitFiles, type FileContent } from '../helpers/gitServer';
import { fillPath, isApiRoute, routeTable } from '../helpers/routes';
import { useSyncHarness } from '../helpers/sync';

// The hostile corpus (test/fixtures/hostile) synced through real fabrics: each hostile file sits
// beside good.yaml in its own directory. Each gets a clear per-file error or is applied, the
// neighbour is applied all the same, and the server answers afterwards.

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const admin = await signInAs(app, 'admin');

const COMMIT_MESSAGE = "hostile corpus <script>alert('commit')</script> {{ 7*7 }}";
const FABRIC_NAME = "<img src=x onerror=alert('fabric')>";
const MARKERS = [...RAW_MARKERS, "<script>alert('commit')</script>", FABRIC_NAME];

const CASES: Record<string, Record<string, FileContent>> = {
  bomb: { 'alias-bomb.yaml': fixture('alias-bomb.yaml') },
  binary: { 'blob.yaml': binaryFile() },
  deep: { 'deep.yaml': deeplyNested(10_000) },
  many: { 'many.yaml': manyDocuments(10_000) },
  utf8: { 'latin1.yaml': invalidUtf8() },
  windows: { 'windows.yaml': bomAndCrlf() },
  symlink: {
    'passwd.yaml': { symlink: '/etc/passwd' },
    etc: { symlink: '/etc' },
    'up.yaml': { symlink: '../../../../../../etc/hostname' },
  },
  names: { 'hostile-names.yaml': fixture('hostile-names.yaml') },
};

const repo = await h.repository();
const files: Record<string, FileContent> = {};
for (const [dir, entries] of Object.entries(CASES)) {
  files[`${dir}/good.yaml`] = fixture('good.yaml');
  for (const [name, content] of Object.entries(entries)) files[`${dir}/${name}`] = content;
}
await commitFiles(repo.bare, files, COMMIT_MESSAGE);
// The 50 MB file lives in a repository of its own, so that the other fabrics' clones stay small.
const hugeRepo = await h.repository();
await commitFiles(
  hugeRepo.bare,
  { 'huge/good.yaml': fixture('good.yaml'), 'huge/huge.yaml': hugeYaml() },
  'a 50 MB file',
);

type Run = {
  id: number;
  status: string;
  durationMs: number;
  counts: Record<string, number>;
  files: { path: string; status: string; errors: { line: number; message: string }[] }[];
};
const fabrics: Record<string, { id: number }> = {};
const runs: Record<string, Run> = {};

async function syncCase(dir: string, repositoryId = repo.id, name?: string): Promise<Run> {
  fabrics[dir] = await h.fabric(repositoryId, `${dir}/`, name ? { name } : {});
  runs[dir] = (await h.sync(fabrics[dir].id)) as Run;
  return runs[dir];
}

/** good.yaml's two records are in the fabric: nothing else was lost. */
async function expectNeighbourApplied(dir: string): Promise<void> {
  const names = (
    await db().crdRecord.findMany({
      where: { fabricId: fabrics[dir]!.id, name: { in: ['good-1', 'good-vpc'] } },
      select: { name: true },
    })
  ).map((r) => r.name);
  expect(names.sort()).toEqual(['good-1', 'good-vpc']);
}

async function expectServerUp(): Promise<void> {
  expect((await request(app).get('/healthz')).status).toBe(200);
  expect((await admin.agent.get('/')).status).toBe(200);
}

function fileError(run: Run, path: string): { line: number; message: string } {
  const file = run.files.find((f) => f.path === path);
  expect(file, `${path} in ${JSON.stringify(run.files.map((f) => f.path))}`).toBeDefined();
  expect(file!.status).toBe('failed');
  return file!.errors[0]!;
}

describe('hostile files synced beside a good one', () => {
  it('a YAML alias bomb: a per-file error naming the alias limit', async () => {
    const run = await syncCase('bomb');
    expect(run.status).toBe('partial');
    expect(fileError(run, 'bomb/alias-bomb.yaml').message).toMatch(/too many aliases/);
    await expectNeighbourApplied('bomb');
    await expectServerUp();
  });

  it('a 50 MB file: a per-file error naming the 10 MB limit, without reading it', async () => {
    const run = await syncCase('huge', hugeRepo.id);
    expect(run.status).toBe('partial');
    expect(fileError(run, 'huge/huge.yaml').message).toMatch(/file is 50 MB, over the 10 MB limit/);
    await expectNeighbourApplied('huge');
    expect(await db().crdRecord.count({ where: { fabricId: fabrics.huge!.id, name: 'huge' } })).toBe(0);
    await expectServerUp();
  }, 60_000);

  it('a binary file: a per-file error saying it is binary', async () => {
    const run = await syncCase('binary');
    expect(fileError(run, 'binary/blob.yaml').message).toMatch(/file is binary/);
    await expectNeighbourApplied('binary');
    await expectServerUp();
  });

  it('a 10,000-level nested document: a per-file error, no stack overflow', async () => {
    const run = await syncCase('deep');
    expect(fileError(run, 'deep/deep.yaml').message).toMatch(/nested too deeply/);
    await expectNeighbourApplied('deep');
    await expectServerUp();
  });

  it('10,000 documents in one file: all applied, in seconds', async () => {
    const run = await syncCase('many');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ documents: 10_002, created: 10_002, invalid: 0 });
    expect(run.durationMs).toBeLessThan(20_000);
    expect(await db().crdRecord.count({ where: { fabricId: fabrics.many!.id } })).toBe(10_002);
    await expectServerUp();
  }, 60_000);

  it('invalid UTF-8: a per-file error with its line', async () => {
    const run = await syncCase('utf8');
    const error = fileError(run, 'utf8/latin1.yaml');
    expect(error.message).toMatch(/not valid UTF-8/);
    expect(error.line).toBe(4);
    await expectNeighbourApplied('utf8');
    await expectServerUp();
  });

  it('a BOM and CRLF line ends: applied like any file', async () => {
    const run = await syncCase('windows');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ documents: 4, created: 4, invalid: 0 });
    const record = await db().crdRecord.findFirstOrThrow({ where: { fabricId: fabrics.windows!.id, name: 'crlf-1' } });
    expect(record.labels).toEqual({ editor: 'notepad' });
    expect(record.sourceLine).toBeGreaterThan(1);
    await expectServerUp();
  });

  it('symlinks out of the clone: a per-file error each, nothing read from outside', async () => {
    const run = await syncCase('symlink');
    expect(run.status).toBe('partial');
    expect(fileError(run, 'symlink/passwd.yaml').message).toMatch(/symlink points outside the repository/);
    expect(fileError(run, 'symlink/etc').message).toMatch(/symlink points outside the repository/);
    expect(fileError(run, 'symlink/up.yaml').message).toMatch(/symlink points outside the repository/);
    expect(JSON.stringify(run)).not.toMatch(/root:x:0:0/);
    await expectNeighbourApplied('symlink');
    await expectServerUp();
  });

  it('HTML, script and template syntax in names, labels and annotations: stored as written, invalid names reported', async () => {
    const run = await syncCase('names', repo.id, FABRIC_NAME);
    expect(run.status).toBe('partial');
    const file = run.files.find((f) => f.path === 'names/hostile-names.yaml')!;
    expect(file.errors.map((e) => e.message).join('\n')).toContain("<script>alert('name')</script>");
    expect(file.errors.map((e) => e.message).join('\n')).toContain('{{ 7*7 }}');
    const vpc = (await h.api.get(`/crds?kind=VPC&fabric=${fabrics.names!.id}&q=xss`)).body.items[0];
    expect(vpc.labels).toEqual({ team: "<script>alert('label')</script>", template: '{{ 7*7 }}' });
    expect(vpc.annotations.note).toBe("<img src=x onerror=alert('annotation')>");
    expect(vpc.annotations.jinja).toContain('{% raw %}{{ 7*7 }}{% endraw %}');
    await expectNeighbourApplied('names');
    await expectServerUp();
  });
});

describe('hostile text on every page', () => {
  it('is rendered escaped wherever it is shown, never as markup or as a template', async () => {
    const fabricId = fabrics.names!.id;
    const vpc = await db().crdRecord.findFirstOrThrow({ where: { fabricId, kind: 'VPC', name: 'xss-vpc' } });
    const change = await db().changeRecord.findFirstOrThrow({ where: { objectId: vpc.id, objectType: 'VPC' } });
    const ids: Record<string, number | string> = {
      fabrics: fabricId,
      repositories: repo.id,
      'sync-runs': runs.names!.id,
      changes: change.id,
    };
    const pages = routeTable().filter((r) => r.method === 'GET' && !isApiRoute(r.path) && r.permission !== 'public');
    const shown: Record<string, string> = {};
    for (const route of pages) {
      const path = fillPath(route.path, (param, p) => {
        if (param === 'kind') return kindByName('VPC')!.slug;
        if (p.startsWith('/crds/')) return vpc.id;
        const area = Object.keys(ids).find((a) => p.includes(`/${a}/`));
        return area ? ids[area] : undefined;
      });
      const res = await admin.agent.get(path);
      expect(res.status, path).toBeLessThan(500);
      // Prometheus' text format carries names as written (only \\, " and newline are escaped); as
      // text/plain that a browser never sniffs, it is no markup.
      if (path === '/metrics') {
        expect(res.headers['content-type']).toMatch(/^text\/plain/);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        continue;
      }
      for (const marker of MARKERS) expect(res.text, `${path} shows ${marker} unescaped`).not.toContain(marker);
      expect(res.text, path).not.toMatch(/<script>alert|<img src=x onerror/);
      shown[route.path] = res.text;
    }
    const escaped = (s: string) =>
      s
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
    // The run page shows the commit message and the errors quoting the invalid names.
    expect(shown['/sync-runs/:id']).toContain(escaped("<script>alert('commit')</script>"));
    expect(shown['/sync-runs/:id']).toContain(escaped("<script>alert('name')</script>"));
    expect(shown['/sync-runs/:id']).toContain('{{ 7*7 }}');
    expect(shown['/fabrics/:id']).toContain(escaped(FABRIC_NAME));
    expect(shown['/fabrics']).toContain(escaped(FABRIC_NAME));
    // Escaped once, not twice: the page title shows the name as written.
    for (const text of Object.values(shown)) expect(text).not.toContain('&amp;lt;');
    if (shown['/crds/:kind/:id']) {
      expect(shown['/crds/:kind/:id']).toContain(escaped("<script>alert('label')</script>"));
      expect(shown['/crds/:kind/:id']).toContain(escaped("<img src=x onerror=alert('annotation')>"));
      expect(shown['/crds/:kind/:id']).toContain('{{ 7*7 }}');
    }
    // The API returns the data as written, as JSON.
    const api = await h.api.get(`/sync-runs/${runs.names!.id}`);
    expect(api.headers['content-type']).toMatch(/application\/json/);
    expect(api.body.commit.message).toBe(COMMIT_MESSAGE);
  }, 60_000);
});
