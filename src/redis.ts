import { Redis } from 'ioredis';
import { config } from './config';

/** A new Redis connection. BullMQ workers need `maxRetriesPerRequest: null`. */
export function createRedis(opts: { forWorker?: boolean } = {}): Redis {
  return new Redis(config().redisUrl, {
    maxRetriesPerRequest: opts.forWorker ? null : 2,
    enableOfflineQueue: opts.forWorker ?? false,
    lazyConnect: false,
  });
}

let shared: Redis | undefined;

/** The process-wide connection for sessions, rate limits and progress. */
export function redis(): Redis {
  shared ??= createRedis();
  // Errors surface through commands and /readyz; an unhandled 'error' event would crash.
  if (shared.listenerCount('error') === 0) shared.on('error', () => {});
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
