import { AsyncLocalStorage } from 'node:async_hooks';
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

// The connection a bulk transaction's Prisma transaction took from the pool (see bulkTransaction).
const transactionConnection = new AsyncLocalStorage<{ client?: pg.PoolClient }>();

/**
 * The pool, noting the connection handed out for a bulk transaction. Prisma's pg adapter takes a
 * transaction's connection with `pool.connect()` (and only then: queries use `pool.query`), in
 * the async context of the `$transaction` call.
 */
class Pool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    if (callback) return super.connect(callback);
    const slot = transactionConnection.getStore();
    return super.connect().then((client) => {
      if (slot && !slot.client) slot.client = client;
      return client;
    });
  }
}

function createClients() {
  const pool = new Pool({ connectionString: config().databaseUrl, max: 10 });
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

/** A transaction of Prisma's, whose statements with large parameters run on its connection directly. */
export interface BulkTx {
  prisma: Prisma.TransactionClient;
  /** Runs a statement in the transaction through node-postgres; the number of rows it touched. */
  execute(query: Prisma.Sql): Promise<number>;
}

/**
 * A Prisma transaction in which statements with large parameters (a sync's records, its per-file
 * results) go to the transaction's connection through node-postgres instead of Prisma's query
 * engine. Prisma keeps the arguments of its last hundred queries or so (its debug history, kept
 * whether or not DEBUG is set), so a sync's last few megabytes of parameters stayed in the heap
 * until a hundred more queries pushed them out: ~50 MB after a 50,000-record sync (issue 16,
 * heap snapshot of an idle worker). Each statement's parameters also no longer pass through the
 * engine's WebAssembly memory, which never shrinks.
 */
export async function bulkTransaction<T>(
  fn: (tx: BulkTx) => Promise<T>,
  opts: { timeout?: number; maxWait?: number } = {},
): Promise<T> {
  const slot: { client?: pg.PoolClient } = {};
  return transactionConnection.run(slot, () =>
    db().$transaction(async (prisma) => {
      const client = slot.client;
      // Both must be the same session, or the direct statements would escape the transaction.
      const [own] = await prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      const direct = client && (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      if (!client || direct !== own?.pid)
        throw new Error("bulkTransaction: could not find the transaction's connection");
      return fn({
        prisma,
        execute: async (query) => (await client!.query({ text: query.text, values: query.values })).rowCount ?? 0,
      });
    }, opts),
  );
}

/** Closes the pool; the next db() call opens a new one. */
export async function closeDb(): Promise<void> {
  const closing = clients;
  clients = undefined;
  await closing?.prisma.$disconnect();
  await closing?.pool.end();
}
