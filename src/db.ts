import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';
import { config } from './config';

export { Prisma } from './generated/prisma/client';
export type * from './generated/prisma/client';

let client: PrismaClient | undefined;

/** The process-wide Prisma client (driver adapter on node-postgres). */
export function db(): PrismaClient {
  client ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: config().databaseUrl, max: 10 }) });
  return client;
}

/** Closes the pool; the next db() call opens a new one. */
export async function closeDb(): Promise<void> {
  await client?.$disconnect();
  client = undefined;
}
