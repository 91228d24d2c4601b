import { Queue } from 'bullmq';
import { config } from './config';
import { log } from './log';
import { createRedis } from './redis';
import type { Redis } from 'ioredis';

export const SYNC_QUEUE = 'sync';
export const MAINTENANCE_QUEUE = 'maintenance';
export const REPOSITORY_CHECK_QUEUE = 'repository-checks';

/** BullMQ keys live under this installation's prefix, beside the sessions. */
export function bullPrefix(): string {
  return `${config().redisPrefix}:bull`;
}

let connection: Redis | undefined;
let syncQueue: Queue | undefined;
let maintenanceQueue: Queue | undefined;
let repositoryCheckQueue: Queue | undefined;

// Producers fail fast when Redis is down (after two reconnect attempts): a sync request answers
// with an error instead of hanging; only workers wait for Redis to come back.
function producerConnection(): Redis {
  connection ??= createRedis();
  return connection;
}

// A queue re-emits its connection's errors; without a listener that would end the process.
function watch(q: Queue): Queue {
  q.on('error', (err) => log.warn('queue error', { queue: q.name, error: err.message }));
  return q;
}

/** The queue of fabric syncs; payloads carry ids only, never a secret. */
export function queue(): Queue {
  const connection = producerConnection();
  syncQueue ??= watch(new Queue(SYNC_QUEUE, { connection, prefix: bullPrefix() }));
  return syncQueue;
}

/** Periodic work: stale-run recovery, out-of-sync detection, scheduled syncs. */
export function maintenance(): Queue {
  const connection = producerConnection();
  maintenanceQueue ??= watch(new Queue(MAINTENANCE_QUEUE, { connection, prefix: bullPrefix() }));
  return maintenanceQueue;
}

/** The repeatable round of repository health checks (src/jobs/repositoryChecks.ts). */
export function repositoryChecks(): Queue {
  const connection = producerConnection();
  repositoryCheckQueue ??= watch(new Queue(REPOSITORY_CHECK_QUEUE, { connection, prefix: bullPrefix() }));
  return repositoryCheckQueue;
}

/** Closes the queues and their connection. */
export async function closeQueues(): Promise<void> {
  await syncQueue?.close();
  await maintenanceQueue?.close();
  await repositoryCheckQueue?.close();
  connection?.disconnect();
  syncQueue = undefined;
  maintenanceQueue = undefined;
  repositoryCheckQueue = undefined;
  connection = undefined;
}
