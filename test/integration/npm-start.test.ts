// `npm start` as a person runs it: stopping it with SIGTERM or SIGINT (a service manager, a
// container runtime, kill) stops every process it started; none keeps serving the port.
import { execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../helpers/net';

const ROOT = resolve(import.meta.dirname, '../..');
const databases: string[] = [];
const started: number[] = [];

afterAll(async () => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone, as it should be.
    }
  }
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  for (const d of databases) await client.query(`DROP DATABASE IF EXISTS "${d}" WITH (FORCE)`);
  await client.end();
});

/** Every process below `pid`, from ps. */
function descendants(pid: number): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there is none
  }
  const direct = out.split('\n').map(Number).filter(Boolean);
  return direct.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops the whole process tree on ${signal}`, { timeout: 120_000 }, async () => {
      const port = await freePort();
      const dbName = `hhfm_npmstart_${process.pid}_${port}`;
      databases.push(dbName);
      const url = new URL(inject('adminDatabaseUrl'));
      url.pathname = `/${dbName}`;
      const npm = spawn('npm', ['start', '--silent'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH!,
          HOME: process.env.HOME!,
          NODE_ENV: 'development',
          PORT: String(port),
          DATABASE_URL: url.toString(),
          REDIS_PREFIX: `hhfm_npmstart_${port}`,
          LOG_LEVEL: 'warn',
          ADMIN_PASSWORD: 'npm-start-admin-password',
        },
        stdio: 'ignore',
      });
      started.push(npm.pid!);
      const exited = new Promise<number | null>((r) => npm.on('exit', (code) => r(code)));
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 90_000;
      while (!(await answers(`${base}/healthz`))) {
        if (Date.now() > deadline) throw new Error('npm start did not serve within 90 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      const tree = descendants(npm.pid!);
      started.push(...tree);
      expect(tree.length).toBeGreaterThan(0);

      npm.kill(signal);
      await exited;
      // Everything it started ends shortly after (a graceful shutdown closes pools first).
      const until = Date.now() + 15_000;
      while (tree.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(tree.filter(alive)).toEqual([]);
      expect(await answers(`${base}/healthz`)).toBe(false);
    });
  }
});
