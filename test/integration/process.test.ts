import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../helpers/net';

const MAIN = resolve('src/main.ts');
// As the npm scripts run it (node --import tsx): tsx's CLI relays a SIGTERM only after waiting
// 30 ms for the child to say it got it, and otherwise SIGKILLs it and exits 143, which a loaded
// machine made happen (npm run start:web with WEB_CONCURRENCY, beside another test file).
const TSX_LOADER = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const children: ChildProcessWithoutNullStreams[] = [];
const databases: string[] = [];

/** Runs `tsx src/main.ts <role>` in a fresh directory with a fresh database name. */
async function start(role: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const dbName = `hhfm_proc_${process.pid}_${port}`;
  databases.push(dbName);
  const url = new URL(inject('adminDatabaseUrl'));
  url.pathname = `/${dbName}`;
  const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN, role], {
    cwd: mkdtempSync(join(tmpdir(), 'hhfm-proc-')),
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME!,
      PORT: String(port),
      DATABASE_URL: url.toString(),
      REDIS_PREFIX: `hhfm_proc_${port}`,
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, port, exited, output: () => output, base: `http://127.0.0.1:${port}` };
}

async function waitFor(url: string, timeoutMs = 30_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url, { redirect: 'manual' });
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  for (const d of databases) await client.query(`DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`);
  await client.end();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`hhfm_proc_*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('npm start (web and worker in one process)', () => {
  it('creates the database, prints the first admin once, serves the login page, and stops cleanly on SIGTERM', async () => {
    const p = await start('all', { NODE_ENV: 'development' });
    const login = await waitFor(`${p.base}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('Log in to your account');
    const match = /First admin created: username "admin", password "([^"]+)"/.exec(p.output());
    expect(match).not.toBeNull();

    const form = await fetch(`${p.base}/login`);
    const cookie = form.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const res = await fetch(`${p.base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'admin', password: match![1]!, _csrf: csrf }),
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    expect((await fetch(`${p.base}/readyz`)).status).toBe(200);
    expect(p.output()).toContain('worker started');
    // The generated password is printed once, on purpose; it reaches no JSON log line.
    const jsonLines = p
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(jsonLines.length).toBeGreaterThan(0);
    expect(jsonLines.join('\n')).not.toContain(match![1]!);

    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('answers /readyz 503 naming Redis when Redis is down, and keeps running', async () => {
    const p = await start('web', {
      NODE_ENV: 'development',
      REDIS_URL: 'redis://127.0.0.1:1',
      ADMIN_PASSWORD: 'admin',
    });
    await waitFor(`${p.base}/healthz`);
    const ready = await fetch(`${p.base}/readyz`);
    expect(ready.status).toBe(503);
    const body = await ready.text();
    expect(JSON.parse(body)).toEqual({
      status: 'unavailable',
      message: 'not reachable: redis',
      checks: { postgres: 'ok', redis: 'down' },
    });
    // Anyone may ask: the driver's words (address, port) are in the log, not in the answer.
    expect(body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:1\b/);
    expect(p.output()).toMatch(/"msg":"readiness: not reachable".*"check":"redis","error":"[^"]+"/);
    expect((await fetch(`${p.base}/healthz`)).status).toBe(200);
    expect(p.child.exitCode).toBeNull();
  });

  it('stays up when Redis stops after start, answers /readyz 503, and is ready again when Redis is back', async () => {
    const redisPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'hhfm-redis-'));
    const redisUp = () =>
      execFileSync('redis-server', [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'yes',
        '--dir',
        dir,
      ]);
    const redisDown = () => execFileSync('redis-cli', ['-p', String(redisPort), 'shutdown', 'nosave']);
    redisUp();
    try {
      const p = await start('all', {
        NODE_ENV: 'development',
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        ADMIN_PASSWORD: 'admin-password',
      });
      await waitFor(`${p.base}/healthz`);
      expect((await fetch(`${p.base}/readyz`)).status).toBe(200);
      redisDown();
      // Polled rather than slept on: the first 503 is the signal (each probe waits up to 2 s itself).
      const downBy = Date.now() + 10_000;
      let down = await fetch(`${p.base}/readyz`);
      while (down.status !== 503 && Date.now() < downBy) {
        await new Promise((r) => setTimeout(r, 100));
        down = await fetch(`${p.base}/readyz`);
      }
      expect(down.status).toBe(503);
      expect(((await down.json()) as { message: string }).message).toBe('not reachable: redis');
      expect(p.child.exitCode).toBeNull();
      redisUp();
      const deadline = Date.now() + 15_000;
      while ((await fetch(`${p.base}/readyz`)).status !== 200 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect((await fetch(`${p.base}/readyz`)).status).toBe(200);
      expect(p.child.exitCode).toBeNull();
    } finally {
      try {
        redisDown();
      } catch {
        // Already stopped.
      }
    }
  });

  it('refuses to start in production without explicit secrets, naming them', async () => {
    const p = await start('web', { NODE_ENV: 'production' });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/SECRET_KEY .*required/);
    expect(p.output()).toMatch(/SESSION_SECRET .*required/);
  });
});

describe('npm run start:web with WEB_CONCURRENCY', () => {
  const pids = (output: string) =>
    [...output.matchAll(/"msg":"web process listening","pid":(\d+)/g)].map((m) => Number(m[1]));
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('serves from that many processes, replaces one that dies, and stops them all on SIGTERM', async () => {
    const p = await start('web', { NODE_ENV: 'development', ADMIN_PASSWORD: 'admin-password', WEB_CONCURRENCY: '2' });
    expect((await waitFor(`${p.base}/login`)).status).toBe(200);
    const deadline = Date.now() + 30_000;
    while (!p.output().includes('"msg":"web listening"') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(p.output()).toContain('"processes":2');
    const first = pids(p.output());
    expect(new Set(first).size).toBe(2);
    expect(first).not.toContain(p.child.pid);

    process.kill(first[0]!, 'SIGKILL');
    while (pids(p.output()).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(p.output()).toContain('web process exited; starting another');
    const replacement = pids(p.output())[2]!;
    expect(first).not.toContain(replacement);
    for (let i = 0; i < 10; i++) expect((await fetch(`${p.base}/login`)).status).toBe(200);

    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect([first[1]!, replacement].filter(alive)).toEqual([]);
  });
});
