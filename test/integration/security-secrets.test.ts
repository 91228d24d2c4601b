import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import pg from 'pg';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { config } from '../../src/config';
import { kindByName } from '../../src/crds';
import { db } from '../../src/db';
import { redis } from '../../src/redis';
import { createApp } from '../../src/web/app';
import { fixture } from '../fixtures/hostile';
import { logLines, useTestEnvironment } from '../helpers/env';
import { signInAs } from '../helpers/factories';
import { commitFiles, startGitServer } from '../helpers/gitServer';
import { fillPath, isApiRoute, routeTable } from '../helpers/routes';
import { useSyncHarness, waitForRun } from '../helpers/sync';
import { freePort } from '../helpers/net';

// Known secrets of every auth type go through every flow; then every response, log line,
// Redis key and value, and text/json column of the database is searched for them (plain,
// base64 and URL-encoded): the only place a secret may live is the ciphertext envelope.

const cfg = await useTestEnvironment();

// Every response of the app, headers and body, as the client saw it.
const responses: string[] = [];
const app = express();
app.use((req, res, next) => {
  const chunks: Buffer[] = [];
  const toBuffer = (c: unknown) => (Buffer.isBuffer(c) ? c : typeof c === 'string' ? Buffer.from(c) : null);
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
  (res as unknown as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
    const b = toBuffer(chunk);
    if (b) chunks.push(b);
    return write(chunk, ...rest);
  };
  (res as unknown as { end: unknown }).end = (chunk: unknown, ...rest: unknown[]) => {
    const b = toBuffer(chunk);
    if (b) chunks.push(b);
    responses.push(
      `${req.method} ${req.originalUrl} -> ${res.statusCode}\n${JSON.stringify(res.getHeaders())}\n${Buffer.concat(chunks).toString('utf8')}`,
    );
    return end(chunk, ...rest);
  };
  next();
});
app.use(createApp());

const h = await useSyncHarness(app);
const TOKEN = `tok-${randomBytes(16).toString('hex')}`;
const WRONG = `wrong-${randomBytes(12).toString('hex')}`;
// In a URL, where it must be refused: the one form of secret the app never stores at all.
const URL_PASSWORD = `urlpw-${randomBytes(10).toString('hex')}`;
const tokenServer = await startGitServer({ username: 'x-access-token', password: TOKEN, root: h.server.root });
const keyDir = await mkdtemp(join(tmpdir(), 'hhfm-sshkey-'));
await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'leak-test', '-f', join(keyDir, 'id')]);
const PRIVATE_KEY = await readFile(join(keyDir, 'id'), 'utf8');
afterAll(async () => {
  await tokenServer.close();
  await rm(keyDir, { recursive: true, force: true });
});

/** A secret, its base64 and URL-encoded forms, and (for keys) each line of the key body. */
function forms(secret: string, username?: string): string[] {
  const out = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)];
  if (username) out.push(Buffer.from(`${username}:${secret}`).toString('base64'));
  for (const line of secret.split('\n'))
    if (line.length >= 16 && !line.startsWith('-----')) out.push(line, encodeURIComponent(line));
  return [...new Set(out)];
}
const NEEDLES: [string, string[]][] = [
  ['basic password', forms(h.password, 'gituser')],
  ['token', forms(TOKEN, 'x-access-token')],
  ['wrong password', forms(WRONG, 'gituser')],
  ['ssh private key', forms(PRIVATE_KEY)],
  ['password in a URL', forms(URL_PASSWORD)],
];

function hits(haystack: string, where: string): string[] {
  const found: string[] = [];
  for (const [name, needles] of NEEDLES) {
    for (const n of needles) if (haystack.includes(n)) found.push(`${name} (${n.slice(0, 12)}…) in ${where}`);
  }
  return found;
}

const ids = {
  repositories: [] as number[],
  fabrics: [] as number[],
  'sync-runs': [] as number[],
  crds: [] as number[],
};

describe('every flow with a secret', () => {
  it('creates, tests, syncs and edits repositories of every auth type', async () => {
    const admin = await signInAs(app, 'admin');
    const content = fixture('good.yaml');

    // basic: through the API
    const basic = await h.repository();
    await commitFiles(basic.bare, { 'fab/good.yaml': content }, 'basic content');
    // token: through the API, against a server that wants x-access-token and the token
    const tokenRepo = await h.api.post('/repositories', {
      name: `token-${randomBytes(3).toString('hex')}`,
      url: tokenServer.url(basic.name),
      authType: 'token',
      secret: TOKEN,
    });
    expect(tokenRepo.status).toBe(201);
    expect(JSON.stringify(tokenRepo.body)).toContain('"hasCredentials":true');
    // ssh: through the form; nothing listens, so the failure path
    const sshForm = await admin.agent
      .post('/repositories')
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: `ssh-${randomBytes(3).toString('hex')}`,
        url: `ssh://git@127.0.0.1:${await freePort()}/fabric.git`,
        authType: 'ssh_key',
        // The form takes a key in its own textarea (issue 12).
        sshKey: PRIVATE_KEY,
      });
    expect(sshForm.status).toBe(302);
    const sshId = Number(/\/repositories\/(\d+)/.exec(String(sshForm.headers.location))![1]);
    // basic through the form too, then a form that fails validation with a secret in it
    const formRepo = await admin.agent
      .post('/repositories')
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: `form-${randomBytes(3).toString('hex')}`,
        url: h.server.url(basic.name),
        authType: 'basic',
        username: 'gituser',
        secret: h.password,
      });
    expect(formRepo.status).toBe(302);
    const formId = Number(/\/repositories\/(\d+)/.exec(String(formRepo.headers.location))![1]);
    const badForm = await admin.agent.post('/repositories').type('form').send({
      _csrf: admin.csrf,
      name: '',
      url: 'ftp://example.com/x',
      authType: 'basic',
      username: 'gituser',
      secret: WRONG,
    });
    expect(badForm.status).toBe(400);
    ids.repositories.push(basic.id, tokenRepo.body.id, sshId, formId);

    // connection tests: success (basic, token), failure (ssh), through the API and the page
    expect((await h.api.post(`/repositories/${basic.id}/test`)).body.connectionStatus).toBe('connected');
    expect((await h.api.post(`/repositories/${tokenRepo.body.id}/test`)).body.connectionStatus).toBe('connected');
    const ssh = await h.api.post(`/repositories/${sshId}/test`);
    expect(ssh.body.connectionStatus).toBe('failed');
    expect(ssh.body.validationError).toMatch(/cannot reach/);
    expect(
      (await admin.agent.post(`/repositories/${formId}/test`).type('form').send({ _csrf: admin.csrf })).status,
    ).toBe(302);
    expect(
      (await admin.agent.post(`/repositories/${sshId}/test`).type('form').send({ _csrf: admin.csrf })).status,
    ).toBe(302);
    await admin.agent.get(`/repositories/${sshId}`);

    // syncs: success (basic, token), failure (ssh, retried then failed; and a wrong password)
    const basicFabric = await h.fabric(basic.id, 'fab/');
    const tokenFabric = await h.fabric(tokenRepo.body.id, 'fab/');
    const sshFabric = await h.fabric(sshId, 'fab/');
    ids.fabrics.push(basicFabric.id, tokenFabric.id, sshFabric.id);
    const sshRun = await h.api.post(`/fabrics/${sshFabric.id}/sync`, {});
    for (const f of [basicFabric, tokenFabric]) {
      const run = await h.sync(f.id);
      expect(run.status).toBe('succeeded');
      ids['sync-runs'].push(run.id);
    }

    // edits: a wrong secret through the API (then a failing test and sync), a rename without a secret, the right secret through the form
    expect((await h.api.patch(`/repositories/${basic.id}`, { secret: WRONG })).status).toBe(200);
    expect((await h.api.post(`/repositories/${basic.id}/test`)).body.connectionStatus).toBe('failed');
    const failed = await h.sync(basicFabric.id, { force: true });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/authentication failed/);
    ids['sync-runs'].push(failed.id);
    expect((await h.api.patch(`/repositories/${basic.id}`, { name: `${basic.name}-renamed` })).status).toBe(200);
    const edit = await admin.agent
      .post(`/repositories/${basic.id}`)
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: `${basic.name}-renamed`,
        url: h.server.url(basic.name),
        authType: 'basic',
        username: 'gituser',
        secret: h.password,
      });
    expect(edit.status).toBe(302);
    const keep = await admin.agent
      .post(`/repositories/${tokenRepo.body.id}`)
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: tokenRepo.body.name,
        url: tokenServer.url(basic.name),
        authType: 'token',
        secret: '',
      });
    expect(keep.status).toBe(302);
    const badEdit = await admin.agent
      .post(`/repositories/${formId}`)
      .type('form')
      .send({ _csrf: admin.csrf, name: 'x', url: 'not a url', authType: 'basic', username: 'gituser', secret: WRONG });
    expect(badEdit.status).toBe(400);
    expect((await h.api.post(`/repositories/${basic.id}/test`)).body.connectionStatus).toBe('connected');
    const again = await h.sync(basicFabric.id, { force: true });
    expect(again.status).toBe('succeeded');
    ids['sync-runs'].push(again.id);

    const sshDone = await waitForRun(sshRun.body.syncRunId, 60_000);
    expect(sshDone.status).toBe('failed');
    expect(sshDone.error).toMatch(/cannot reach/);
    ids['sync-runs'].push(sshDone.id);
    ids.crds.push(...(await db().crdRecord.findMany({ select: { id: true } })).map((r) => r.id));
  }, 60_000);

  it('answers errors without echoing a secret', async () => {
    const admin = await signInAs(app, 'admin');
    const withUrlPassword = await h.api.post('/repositories', {
      name: 'in-url',
      url: `https://gituser:${URL_PASSWORD}@git.example.com/x.git`,
      authType: 'none',
    });
    expect(withUrlPassword.status).toBe(400);
    expect(withUrlPassword.body.error.details.fields.url).toMatch(/must not contain credentials/);
    const badJson = await request(app)
      .post('/api/v1/repositories')
      .set('Authorization', `Bearer ${h.token}`)
      .set('Content-Type', 'application/json')
      .send(`{"secret": "${WRONG}", oops`);
    expect(badJson.status).toBe(400);
    const unknownAuth = await h.api.post('/repositories', {
      name: 'x',
      url: 'https://git.example.com/x.git',
      authType: 'kerberos',
      secret: WRONG,
    });
    expect(unknownAuth.status).toBe(400);
    const tooLong = await h.api.patch(`/repositories/${ids.repositories[0]}`, { secret: WRONG.repeat(2000) });
    expect(tooLong.status).toBe(400);
    expect((await h.api.get('/repositories/999999')).status).toBe(404);
    expect((await admin.agent.get('/repositories/999999')).status).toBe(404);
    expect((await admin.agent.get(`/no-such-page?secret=x`)).status).toBe(404);
    const noCsrf = await admin.agent.post(`/repositories/${ids.repositories[0]}`).type('form').send({ secret: WRONG });
    expect(noCsrf.status).toBe(403);
  });

  it('reads every page and API route for every object, exports included', async () => {
    const admin = await signInAs(app, 'admin');
    const routes = routeTable().filter((r) => r.method === 'GET');
    let read = 0;
    for (const route of routes) {
      const area = Object.keys(ids).find((a) => route.path.includes(`/${a}/`)) as keyof typeof ids | undefined;
      const candidates = route.path.includes(':') && area ? ids[area] : [0];
      for (const id of candidates) {
        const path = fillPath(route.path, (param) => (param === 'kind' ? kindByName('SwitchGroup')!.slug : id));
        const variants = route.path.includes(':')
          ? [path]
          : [path, `${path}?export=csv`, `${path}?export=json`, `${path}?export=yaml`, `${path}?format=csv`];
        for (const url of variants) {
          const res = isApiRoute(route.path) ? await h.api.get(url.replace('/api/v1', '')) : await admin.agent.get(url);
          expect(res.status, `${url}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
          read++;
        }
      }
    }
    expect(read).toBeGreaterThan(30);
  }, 60_000);
});

describe('after every flow', () => {
  it('shows a secret in no response, headers included', () => {
    expect(responses.length).toBeGreaterThan(80);
    expect(responses.flatMap((r, i) => hits(r, `response ${i}: ${r.split('\n')[0]}`))).toEqual([]);
  });

  it('writes a secret in no log line', () => {
    expect(logLines.length).toBeGreaterThan(50);
    expect(logLines.flatMap((l, i) => hits(l, `log line ${i}`))).toEqual([]);
  });

  it('keeps a secret in no Redis key or value (sessions, rate limits, jobs)', async () => {
    const r = redis();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'MATCH', `${cfg.redisPrefix}:*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys.some((k) => k.includes(':sess:'))).toBe(true);
    expect(keys.some((k) => k.includes(':bull:'))).toBe(true);
    const found: string[] = [];
    for (const key of keys) {
      const type = await r.type(key);
      const value =
        type === 'string'
          ? await r.get(key)
          : type === 'hash'
            ? JSON.stringify(await r.hgetall(key))
            : type === 'list'
              ? JSON.stringify(await r.lrange(key, 0, -1))
              : type === 'set'
                ? JSON.stringify(await r.smembers(key))
                : type === 'zset'
                  ? JSON.stringify(await r.zrange(key, 0, -1, 'WITHSCORES'))
                  : type === 'stream'
                    ? JSON.stringify(await r.xrange(key, '-', '+'))
                    : '';
      found.push(...hits(`${key}\n${value}`, `redis ${type} ${key}`));
    }
    expect(found).toEqual([]);
  });

  it('stores a secret in no text or json column; the envelope is ciphertext', async () => {
    const client = new pg.Client({ connectionString: config().databaseUrl });
    await client.connect();
    try {
      const { rows: columns } = await client.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND (data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED'))`,
      );
      expect(columns.some((c) => c.table_name === 'GitRepository' && c.column_name === 'encryptedSecret')).toBe(true);
      const found: string[] = [];
      let values = 0;
      for (const { table_name, column_name } of columns) {
        const { rows } = await client.query<{ v: string | null }>(
          `SELECT "${column_name}"::text AS v FROM "${table_name}"`,
        );
        for (const { v } of rows) {
          if (v === null) continue;
          values++;
          found.push(...hits(v, `${table_name}.${column_name}`));
        }
      }
      expect(values).toBeGreaterThan(50);
      expect(found).toEqual([]);
      const envelopes = (
        await client.query<{ e: string }>(
          `SELECT "encryptedSecret" AS e FROM "GitRepository" WHERE "encryptedSecret" IS NOT NULL`,
        )
      ).rows;
      expect(envelopes.length).toBeGreaterThanOrEqual(4);
      for (const { e } of envelopes) expect(e).toMatch(/^[0-9a-f]{12}:[\w-]+:[\w-]+:[\w-]+$/);
    } finally {
      await client.end();
    }
  });
});
