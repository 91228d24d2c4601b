import { Redis } from 'ioredis';
import { config } from './config';
import { log } from './log';

let lastErrorLogged = 0;

/**
 * A new Redis connection. Commands sent while it connects wait for it (the first request of a
 * fresh process must not lose its session); while Redis is down they fail after two reconnect
 * attempts, except on BullMQ workers, which need `maxRetriesPerRequest: null` and simply wait.
 */
export function createRedis(opts: { forWorker?: boolean } = {}): Redis {
  const connection = new Redis(config().redisUrl, {
    maxRetriesPerRequest: opts.forWorker ? null : 2,
    lazyConnect: false,
  });
  // ioredis reconnects by itself; an unhandled 'error' event would crash the process instead.
  connection.on('error', (err) => {
    if (Date.now() - lastErrorLogged < 30_000) return;
    lastErrorLogged = Date.now();
    log.warn('redis unavailable; retrying', { error: err.message });
  });
  return connection;
}

let shared: Redis | undefined;

/** The process-wide connection for sessions, rate limits and progress. */
export function redis(): Redis {
  shared ??= createRedis();
  return shared;
}

/** A key under this installation's prefix. */
export function key(...parts: (string | number)[]): string {
  return [config().redisPrefix, ...parts].join(':');
}

/** Closes the shared connection. */
export async function closeRedis(): Promise<void> {
  await shared?.quit().catch(() => shared?.disconnect());
  shared = undefined;
}
