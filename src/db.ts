import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from './generated/prisma/client';
import { config } from './config';
import { log } from './log';

import type { SyncRun as SyncRunRow } from './generated/prisma/client';

export { Prisma } from './generated/prisma/client';
export type * from './generated/prisma/client';

/** A sync run as queries return it: its per-file results only where asked for. */
export type SyncRun = Omit<SyncRunRow, 'files' | 'plan'> & { files?: SyncRunRow['files']; plan?: SyncRunRow['plan'] };

// Prisma stores DateTime as `timestamp(3)` in UTC; node-postgres would read it as local time.
const TIMESTAMP_OID = 1114;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID
      ? (s: string) => new Date(`${s.replace(' ', 'T')}Z`)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function createClients() {
  const pool = new pg.Pool({ connectionString: config().databaseUrl, max: 10 });
  // An idle connection the server closed (restart, failover) is dropped and replaced by the
  // pool; without a listener its error would end the process.
  pool.on('error', (err) => log.warn('database connection lost', { error: err.message }));
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    // A run's per-file results and a preview's plan grow with the repository: loaded only where asked for (`omit: { files: false, plan: false }`).
    omit: { syncRun: { files: true, plan: true } },
  });
  return { pool, prisma };
}

let clients: ReturnType<typeof createClients> | undefined;

/** The process-wide Prisma client (driver adapter on node-postgres). */
export function db(): ReturnType<typeof createClients>['prisma'] {
  clients ??= createClients();
  return clients.prisma;
}

/**
 * Rows of a read on a hot path (every request's user, list pages, record pages), straight on
 * Prisma's pool: Prisma's query engine costs 0.4–1 ms of CPU per query, node-postgres ~0.05 ms.
 * Writes and everything else go through Prisma.
 */
export async function queryRows<T>(query: Prisma.Sql): Promise<T[]> {
  clients ??= createClients();
  const result = await clients.pool.query<T & pg.QueryResultRow>({
    name: statementName(query.text),
    text: query.text,
    values: query.values,
    types,
  });
  return result.rows;
}

// The hot reads are a few dozen distinct statements, run thousands of times: named, each
// connection parses and plans them once instead of on every call.
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) statementNames.set(text, (name = `hhfm_${statementNames.size}`));
  return name;
}

/** Closes the pool; the next db() call opens a new one. */
export async function closeDb(): Promise<void> {
  const closing = clients;
  clients = undefined;
  await closing?.prisma.$disconnect();
  await closing?.pool.end();
}
