// What both benchmarks share: a throw-away database and Redis prefix, the app in a child
// process (so that its memory is measured alone), medians, and the machine's description.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, setConfig } from '../src/config';
import { closeDb } from '../src/db';
import { closeQueues } from '../src/queues';
import { setLogLevel } from '../src/log';
import { migrate } from '../src/migrate';
import { closeRedis, createRedis } from '../src/redis';

export const ROOT = join(import.meta.dirname, '..');
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface BenchEnv {
  /** Environment for the app's child process (and this process's config). */
  env: Record<string, string>;
  databaseUrl: string;
  adminPassword: string;
  cleanup(): Promise<void>;
}

/** Progress goes to stderr; stdout carries only the JSON results. */
export function note(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/**
 * Creates a dedicated database (migrated) and Redis prefix and points this process at them.
 * `cleanup` drops that database and deletes that prefix's keys, nothing else.
 */
export async function benchEnvironment(label: string): Promise<BenchEnv> {
  const name = `hhfm_bench_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await migrate(databaseUrl);
  const adminPassword = randomBytes(12).toString('base64url');
  const env: Record<string, string> = {
    // Production: templates compiled once, as deployed (development recompiles them per request).
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: name,
    SECRET_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    ADMIN_USERNAME: 'bench-admin',
    ADMIN_PASSWORD: adminPassword,
    ALLOW_INSECURE_GIT: 'true',
    GIT_TIMEOUT_SECONDS: '600',
    WORKER_CONCURRENCY: '1',
    LOG_LEVEL: 'warn',
  };
  setConfig(loadConfig(env, join(ROOT, '.local')));
  setLogLevel('warn');
  let cleaned = false;
  return {
    env,
    databaseUrl,
    adminPassword,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await closeQueues().catch(() => {});
      await closeRedis().catch(() => {});
      await closeDb().catch(() => {});
      // Its own connection: the shared one refuses commands until it is connected.
      const conn = createRedis({ forWorker: true });
      try {
        const keys: string[] = [];
        for await (const batch of conn.scanStream({ match: `${name}:*`, count: 1000 }))
          keys.push(...(batch as string[]));
        for (let i = 0; i < keys.length; i += 1000) await conn.del(...keys.slice(i, i + 1000));
      } catch (err) {
        note(`could not delete the Redis keys ${name}:*: ${(err as Error).message}`);
      } finally {
        conn.disconnect();
      }
      const drop = new pg.Client({ connectionString: ADMIN_URL });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await drop.end();
    },
  };
}

/** The app (`web`, `worker` or `all`) in a child node process writing to `logFile`, resolved once it logs that it is up. */
export async function startApp(
  role: 'web' | 'worker' | 'all',
  env: Record<string, string>,
  logFile: string,
): Promise<ChildProcess> {
  const log = openSync(logFile, 'w');
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the app.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // A process with the worker role is started as `npm run start:worker` starts it.
  const worker = role === 'web' ? { tunables: {}, nodeArgs: [] } : workerLaunch();
  const child = spawn(process.execPath, [...worker.nodeArgs, ...nodeArgs, '--import', 'tsx', 'src/main.ts', role], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ...worker.tunables,
      ...env,
      // Info, the default level: it is what a deployment pays for (one line per request).
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const ready =
    role === 'worker' ? ['worker started'] : role === 'web' ? ['web listening'] : ['web listening', 'worker started'];
  for (let waited = 0; ; waited += 100) {
    const text = readFileSync(logFile, 'utf8');
    if (ready.every((r) => text.includes(r))) return child;
    if (child.exitCode !== null || waited > 60_000) {
      child.kill('SIGKILL');
      throw new Error(
        `the ${role} process ${child.exitCode !== null ? `exited with ${child.exitCode}` : 'did not start within 60 s'}; its output:\n${text.slice(-3000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The allocator settings and Node options `npm run start:worker` starts the worker with
 * (package.json), so that the bench measures the worker as deployed.
 */
export function workerLaunch(): { tunables: { GLIBC_TUNABLES: string }; nodeArgs: string[] } {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  const found = /\bGLIBC_TUNABLES=(\S+) exec node ((?:--\S+ )*)--import tsx src\/main\.ts worker$/.exec(
    scripts['start:worker'] ?? '',
  );
  if (!found)
    throw new Error(
      `package.json: start:worker is not "… GLIBC_TUNABLES=… exec node [options] --import tsx src/main.ts worker"`,
    );
  return { tunables: { GLIBC_TUNABLES: found[1]! }, nodeArgs: found[2]!.split(' ').filter(Boolean) };
}

/** Stops a child started by startApp (SIGTERM, then SIGKILL after 15 s). */
export async function stopApp(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Resets the peak resident set size of a process (Linux: clear_refs 5). */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Peak and current resident set size of a process, in MB (VmHWM, VmRSS). */
export function rssOf(pid: number): { peakMB: number; currentMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { peakMB: Math.round(kb('VmHWM') / 1024), currentMB: Math.round(kb('VmRSS') / 1024) };
}

// Clock ticks per second of /proc/<pid>/stat's times (USER_HZ): 100 on every Linux port that matters.
const CLOCK_TICKS = 100;

/**
 * CPU seconds (user + system, all threads) a process has used so far (/proc/<pid>/stat): unlike
 * wall-clock time, barely moved by other work on the same cores.
 */
export function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU seconds (user + system) this process has used so far. */
export function ownCpu(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The median (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The least, the median and the greatest of the reps: how much a figure moved. */
export function spread(values: number[], digits = 3): { min: number; median: number; max: number } {
  return {
    min: round(Math.min(...values), digits),
    median: round(median(values), digits),
    max: round(Math.max(...values), digits),
  };
}

/** The machine's 1, 5 and 15 minute load averages (other work on the same cores moves every figure). */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return [a!, b!, c!];
}

/** Rounds seconds (or anything) to 3 decimals. */
export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The machine the figures come from. */
export async function machine(): Promise<Record<string, unknown>> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  const { rows } = await c.query<{ server_version: string }>('SHOW server_version');
  await c.end();
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    postgres: rows[0]?.server_version,
    loadAverageAtStart: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

/** Reads `--name=value` options. */
export function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}
