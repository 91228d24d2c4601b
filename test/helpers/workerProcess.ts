// A sync worker in a child process, for fault tests that kill it for real. Run directly
// (`node --import tsx test/helpers/workerProcess.ts`), it loads its configuration from the
// environment, starts the workers with short lock and stall intervals, and prints "ready".
// Imported, it offers `spawnWorker`, which starts such a child with a test file's configuration.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../../src/config';

const ENTRY = join(import.meta.dirname, 'workerProcess.ts');
const ROOT = join(import.meta.dirname, '..', '..');

export interface WorkerChild {
  child: ChildProcess;
  /** Everything the child wrote (its JSON log lines and errors). */
  output: string[];
  /** SIGKILL to the child's whole process group (its git children die with it, as in a crashed container). */
  kill(): void;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

/** The environment that reproduces `cfg` in another process. */
export function envFor(cfg: Config, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    DATABASE_URL: cfg.databaseUrl,
    REDIS_URL: cfg.redisUrl,
    REDIS_PREFIX: cfg.redisPrefix,
    SECRET_KEY: cfg.secretKeys[0]!.toString('base64'),
    SECRET_KEYS_PREVIOUS: cfg.secretKeys
      .slice(1)
      .map((k) => k.toString('base64'))
      .join(','),
    SESSION_SECRET: cfg.sessionSecret,
    ALLOW_INSECURE_GIT: String(cfg.allowInsecureGit),
    GIT_TIMEOUT_SECONDS: String(cfg.gitTimeoutMs / 1000),
    LOG_LEVEL: cfg.logLevel,
    ...extra,
  };
}

/** Starts a worker child with the configuration `cfg`; resolves once it has printed "ready". */
export async function spawnWorker(
  cfg: Config,
  opts: { extraEnv?: Record<string, string>; lockDuration?: number; stalledInterval?: number } = {},
): Promise<WorkerChild> {
  const env = envFor(cfg, {
    WORKER_LOCK_MS: String(opts.lockDuration ?? 3000),
    WORKER_STALLED_MS: String(opts.stalledInterval ?? 1000),
    ...opts.extraEnv,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('\nready\n') || output.join('').startsWith('ready\n')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then((code) =>
      reject(new Error(`worker child exited (${code}) before it was ready:\n${output.join('').slice(-2000)}`)),
    );
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  return {
    child,
    output,
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const { loadConfig, setConfig } = await import('../../src/config');
  const { setLogLevel } = await import('../../src/log');
  const { startWorkers } = await import('../../src/jobs/workers');
  const cfg = loadConfig(process.env, '/nonexistent');
  setConfig(cfg);
  setLogLevel(cfg.logLevel);
  const workers = await startWorkers({
    concurrency: cfg.workerConcurrency,
    lockDuration: Number(process.env.WORKER_LOCK_MS ?? 3000),
    stalledInterval: Number(process.env.WORKER_STALLED_MS ?? 1000),
  });
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    void workers.close().then(async () => {
      const [{ closeQueues }, { closeDb }, { closeRedis }] = await Promise.all([
        import('../../src/queues'),
        import('../../src/db'),
        import('../../src/redis'),
      ]);
      await closeQueues();
      await Promise.all([closeDb(), closeRedis()]);
      process.exit(0);
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
