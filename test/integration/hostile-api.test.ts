import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { buildRepository, signInAs, tokenFor } from '../helpers/factories';

// Hostile input submitted through the API and the forms, with the production default
// ALLOW_INSECURE_GIT=false: repository URLs that smuggle credentials, transport helpers, local
// files or git options; branches that look like options; gitops directories that leave the clone.

await useTestEnvironment({ ALLOW_INSECURE_GIT: 'false' });
const app = createApp();
const { token } = await tokenFor('admin');
const api = {
  post: (path: string, body: object) =>
    request(app).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
  patch: (path: string, body: object) =>
    request(app).patch(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
};
// Created by the shell if any URL reached a transport helper or an ssh ProxyCommand.
const PWNED = join(tmpdir(), `hhfm-pwned-${randomBytes(4).toString('hex')}`);

const BAD_URLS: [url: string, message: RegExp][] = [
  ['https://gituser:hunter2hunter2@github.com/org/repo.git', /must not contain credentials/],
  ['https://ghp_abcdefabcdef@github.com/org/repo.git', /must not contain credentials/],
  [`ext::sh -c touch% ${PWNED}`, /must not contain spaces|transport helper/],
  [`ext::${PWNED}`, /transport helper URLs .* are not allowed/],
  ['fd::17', /transport helper URLs .* are not allowed/],
  ['file:///etc', /file:\/\/ URLs are not allowed/],
  ['/srv/git/repo.git', /local paths are not allowed/],
  ['http://github.com/org/repo.git', /http:\/\/ URLs are not allowed/],
  ['git://github.com/org/repo.git', /git:\/\/ URLs are not allowed/],
  [`--upload-pack=touch ${PWNED}`, /must not contain spaces|must not start with '-'/],
  ['--upload-pack=/usr/bin/touch', /must not start with '-'/],
  ['-oProxyCommand=/usr/bin/touch:repo', /must not start with '-'/],
  [`ssh://-oProxyCommand=touch%20${PWNED.replace(/\//g, '%2F')}/repo`, /host must not start with '-'/],
  [`git@-oProxyCommand=touch:repo`, /host must not be empty or start with '-'/],
  // Finding 5 of issue 11: option-like user info and hosts, plain, percent- and double-encoded.
  [`ssh://-oProxyCommand=touch%20${PWNED.replace(/\//g, '%2F')}@github.com/repo`, /user must not start with '-'/],
  [`ssh://%2DoProxyCommand=touch%20${PWNED.replace(/\//g, '%2F')}@github.com/repo`, /user must not start with '-'/],
  [`ssh://%252DoProxyCommand=touch@github.com/repo`, /user must not start with '-'/],
  [`%2DoProxyCommand=touch@github.com:repo`, /user must not start with '-'/],
  [`ssh://git@%2DoProxyCommand=touch/repo`, /host must not be percent-encoded/],
  [`git@%2DoProxyCommand=touch:repo`, /host must not be percent-encoded/],
  [`git@github.com:-oProxyCommand=touch`, /path must not start with '-'/],
  ['https://github.com/org/repo.git?upload-pack=x', /must not contain a query string/],
  ['https://github.com/org/re po.git', /must not contain spaces/],
];

describe('repository URLs', () => {
  it.each(BAD_URLS)('refuses %s with a message on the url field', async (url, message) => {
    const name = `bad-${randomBytes(3).toString('hex')}`;
    const res = await api.post('/repositories', { name, url, authType: 'none' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.fields.url).toMatch(message);
    expect(await db().gitRepository.count({ where: { name } })).toBe(0);
  });

  it('refuses the same URLs on update, and the form says so beside the field', async () => {
    const repo = await buildRepository({ url: 'https://github.com/org/repo.git' });
    for (const [url, message] of BAD_URLS) {
      const res = await api.patch(`/repositories/${repo.id}`, { url });
      expect(res.status, url).toBe(400);
      expect(res.body.error.details.fields.url, url).toMatch(message);
    }
    expect((await db().gitRepository.findUniqueOrThrow({ where: { id: repo.id } })).url).toBe(
      'https://github.com/org/repo.git',
    );
    const admin = await signInAs(app, 'admin');
    const form = await admin.agent
      .post('/repositories')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'form-ext', url: `ext::${PWNED}`, authType: 'none' });
    expect(form.status).toBe(400);
    expect(form.text).toContain('transport helper URLs (such as ext:: or fd::) are not allowed');
  });

  it('never runs a hostile URL that reached the database some other way', async () => {
    const repo = await buildRepository({ url: `ext::sh -c touch% ${PWNED}` });
    const res = await api.post(`/repositories/${repo.id}/test`, {});
    expect(res.status).toBe(200);
    expect(res.body.connectionStatus).toBe('failed');
    expect(res.body.validationError).toMatch(/invalid repository URL: /);
    const noSpaces = await buildRepository({ url: `ext::${PWNED}` });
    const again = await api.post(`/repositories/${noSpaces.id}/test`, {});
    expect(again.body.validationError).toMatch(/invalid repository URL: transport helper/);
    const encoded = await buildRepository({
      url: `ssh://%2DoProxyCommand=touch%20${PWNED.replace(/\//g, '%2F')}@127.0.0.1/repo`,
    });
    const third = await api.post(`/repositories/${encoded.id}/test`, {});
    expect(third.body.validationError).toMatch(/invalid repository URL: URL user must not start with '-'/);
    expect(existsSync(PWNED)).toBe(false);
  });

  it('refuses branch names that git would read as options', async () => {
    for (const branch of [
      '--upload-pack=touch /tmp/x',
      '--upload-pack=/usr/bin/touch',
      '-b',
      'a..b',
      'main;rm -rf /',
      'x.lock',
    ]) {
      const repo = await api.post('/repositories', {
        name: `br-${randomBytes(3).toString('hex')}`,
        url: 'https://github.com/org/repo.git',
        defaultBranch: branch,
      });
      expect(repo.status, branch).toBe(400);
      expect(repo.body.error.details.fields.defaultBranch, branch).toBeTruthy();
    }
    const dots = await api.post('/repositories', {
      name: 'dots',
      url: 'https://github.com/org/repo.git',
      defaultBranch: 'a..b',
    });
    expect(dots.body.error.details.fields.defaultBranch).toBe("branch name must not contain '..', '@{' or '//'");
    const repo = await buildRepository();
    const fabricDots = await api.post('/fabrics', {
      name: 'dots-branch',
      repositoryId: repo.id,
      gitopsDirectory: 'x/',
      branch: 'release/v1.lock',
    });
    expect(fabricDots.body.error.details.fields.branch).toMatch(/end with '\.' or '\.lock'/);
    const fabric = await api.post('/fabrics', {
      name: 'opt-branch',
      repositoryId: repo.id,
      gitopsDirectory: 'x/',
      branch: '--upload-pack=touch /tmp/x',
    });
    expect(fabric.status).toBe(400);
    expect(fabric.body.error.details.fields.branch).toMatch(/must not start with '-'|a branch name/);
  });

  it('ran nothing: no file was created by any of them', () => {
    expect(existsSync(PWNED)).toBe(false);
  });
});

describe('gitops directories', () => {
  const BAD_DIRS: [dir: string, message: RegExp][] = [
    ['..', /must not contain '\.\.'/],
    ['../other-fabric', /must not contain '\.\.'/],
    ['gitops/../../etc', /must not contain '\.\.'/],
    ['/etc', /must be relative to the repository root/],
    ['/etc/../x', /must be relative to the repository root/],
    ['C:/gitops', /not a drive path/],
    ['gitops\\..\\..\\etc', /must use '\/' as separator/],
    ['.git/hooks', /must not point into \.git/],
    ['gitops/\u0000/x', /must not contain control characters/],
  ];

  it.each(BAD_DIRS)('refuses %j with a message on the gitopsDirectory field', async (gitopsDirectory, message) => {
    const repo = await buildRepository();
    const res = await api.post('/fabrics', {
      name: `dir-${randomBytes(3).toString('hex')}`,
      repositoryId: repo.id,
      gitopsDirectory,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.gitopsDirectory).toMatch(message);
    expect(res.body.error.details.fields.gitopsDirectory).toContain('gitops directory');
  });

  it('refuses them on update and in the form too, and normalises harmless spellings', async () => {
    const repo = await buildRepository();
    const created = await api.post('/fabrics', {
      name: `ok-${randomBytes(3).toString('hex')}`,
      repositoryId: repo.id,
      gitopsDirectory: './gitops//fabric-1',
    });
    expect(created.status).toBe(201);
    expect(created.body.gitopsDirectory).toBe('gitops/fabric-1/');
    const patched = await api.patch(`/fabrics/${created.body.id}`, { gitopsDirectory: '../../etc' });
    expect(patched.status).toBe(400);
    expect((await db().fabric.findUniqueOrThrow({ where: { id: created.body.id } })).gitopsDirectory).toBe(
      'gitops/fabric-1/',
    );
    const admin = await signInAs(app, 'admin');
    const form = await admin.agent
      .post('/fabrics')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'form-dir', repositoryId: repo.id, gitopsDirectory: '/etc' });
    expect(form.status).toBe(400);
    expect(form.text).toContain('must be relative to the repository root');
  });
});

describe('hostile request bodies', () => {
  it('answers a 10,000-level nested JSON body, an oversized body and broken JSON with 4xx, and stays up', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const nested = await request(app)
      .post('/api/v1/fabrics')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(deep);
    expect(nested.status).toBe(400);
    const big = await request(app)
      .post('/api/v1/fabrics')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(`{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('too_large');
    const broken = await request(app)
      .post('/api/v1/fabrics')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(broken.status).toBe(400);
    const proto = await api.post(
      '/fabrics',
      JSON.parse('{"__proto__": {"admin": true}, "name": "proto", "repositoryId": "x"}'),
    );
    expect(proto.status).toBe(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  it('stores hostile names of repositories and fabrics as written and shows them escaped', async () => {
    const name = `<script>alert('repo')</script>{{ 7*7 }}`;
    const repo = await api.post('/repositories', { name, url: 'https://github.com/org/repo.git' });
    expect(repo.status).toBe(201);
    expect(repo.body.name).toBe(name);
    const fabric = await api.post('/fabrics', {
      name: `<b onmouseover=alert(1)>f</b>`,
      description: "<iframe src='//evil'></iframe>",
      repositoryId: repo.body.id,
      gitopsDirectory: 'x/',
    });
    expect(fabric.status).toBe(201);
    const admin = await signInAs(app, 'admin');
    for (const path of [
      '/',
      '/repositories',
      `/repositories/${repo.body.id}`,
      `/repositories/${repo.body.id}/edit`,
      '/fabrics',
      `/fabrics/${fabric.body.id}`,
      `/fabrics/${fabric.body.id}/edit`,
      '/changes',
    ]) {
      const page = await admin.agent.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toContain("<script>alert('repo')</script>");
      expect(page.text, path).not.toContain('<b onmouseover');
      expect(page.text, path).not.toContain("<iframe src='//evil'>");
    }
    const detail = await admin.agent.get(`/repositories/${repo.body.id}`);
    expect(detail.text).toContain('&lt;script&gt;alert(&#39;repo&#39;)&lt;/script&gt;{{ 7*7 }}');
  });
});
