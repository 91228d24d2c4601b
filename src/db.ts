import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';
import { config } from './config';

import type { SyncRun as SyncRunRow } from './generated/prisma/client';

export { Prisma } from './generated/prisma/client';
export type * from './generated/prisma/client';

/** A sync run as queries return it: its per-file results only where asked for. */
export type SyncRun = Omit<SyncRunRow, 'files'> & { files?: SyncRunRow['files'] };

function createClient() {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: config().databaseUrl, max: 10 }),
    // A run's per-file results grow with the repository: loaded only where asked for (`omit: { files: false }`).
    omit: { syncRun: { files: true } },
  });
}

let client: ReturnType<typeof createClient> | undefined;

/** The process-wide Prisma client (driver adapter on node-postgres). */
export function db(): ReturnType<typeof createClient> {
  client ??= createClient();
  return client;
}

/** Closes the pool; the next db() call opens a new one. */
export async function closeDb(): Promise<void> {
  await client?.$disconnect();
  client = undefined;
}
