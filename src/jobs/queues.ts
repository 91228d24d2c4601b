import { Queue } from 'bullmq';
import { config } from '../config';
import { createRedis } from '../redis';
import type { Redis } from 'ioredis';

export const SYNC_QUEUE = 'sync';

/** BullMQ keys live under this installation's prefix, beside the sessions. */
export function bullPrefix(): string {
  return `${config().redisPrefix}:bull`;
}

let connection: Redis | undefined;
let syncQueue: Queue | undefined;

/** The queue of fabric syncs; payloads carry ids only, never a secret. */
export function queue(): Queue {
  connection ??= createRedis({ forWorker: true });
  syncQueue ??= new Queue(SYNC_QUEUE, { connection, prefix: bullPrefix() });
  return syncQueue;
}

/** Closes the queue and its connection. */
export async function closeQueues(): Promise<void> {
  await syncQueue?.close();
  connection?.disconnect();
  syncQueue = undefined;
  connection = undefined;
}
