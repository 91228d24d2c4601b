import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { ensureFirstAdmin } from './auth/users';
import { ConfigError, loadConfig, setConfig } from './config';
import { closeDb } from './db';
import { log, setLogLevel } from './log';
import { migrate } from './migrate';
import { closeRedis } from './redis';
import { startWorkers } from './jobs/workers';
import { closeQueues } from './queues';
import { forkWebProcesses, type WebProcesses } from './webProcesses';

// One entry point, three roles: `web`, `worker`, or both (the default, for a single machine).
// With WEB_CONCURRENCY > 1 this process forks that many web processes sharing the port (a
// Node process serves on one core) and runs only the worker role itself, if asked for.
const role = cluster.isWorker ? 'web' : (process.argv[2] ?? 'all');
if (!['all', 'web', 'worker'].includes(role)) {
  process.stderr.write(`unknown role "${role}": use web, worker or all\n`);
  process.exit(2);
}

try {
  setConfig(loadConfig());
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(err.message + '\n');
  process.exit(1);
}
const { config } = await import('./config');
const cfg = config();
setLogLevel(cfg.logLevel);

// A forked web process finds the database migrated and the first admin created.
if (cluster.isPrimary) {
  await migrate(cfg.databaseUrl);
  await ensureFirstAdmin({ username: cfg.adminUsername, password: cfg.adminPassword, env: cfg.env });
}

let server: Server | undefined;
let webProcesses: WebProcesses | undefined;
let workers: { close(): Promise<void> } | undefined;
if (role !== 'worker') {
  if (cluster.isPrimary && cfg.webConcurrency > 1) {
    webProcesses = await forkWebProcesses(cfg.webConcurrency);
    log.info('web listening', { url: `http://localhost:${cfg.port}`, processes: cfg.webConcurrency });
  } else {
    // The web app (Express, templates, every route) is loaded only by a process that serves it:
    // a worker's memory is kept for syncs.
    const { createApp } = await import('./web/app');
    server = createApp().listen(cfg.port, () => {
      if (cluster.isPrimary) return log.info('web listening', { url: `http://localhost:${cfg.port}` });
      log.info('web process listening', { pid: process.pid });
      process.send?.('listening');
    });
  }
}
if (role !== 'web') workers = await startWorkers();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (cluster.isPrimary) log.info('shutting down', { signal });
  // Stop taking requests and jobs; running jobs finish (or are released) before the pools close.
  await Promise.all([
    new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))),
    webProcesses?.stop(),
    workers?.close(),
  ]);
  await closeQueues();
  await Promise.all([closeDb(), closeRedis()]);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
