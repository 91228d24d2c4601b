import { GitError } from '../gitops/git';

// Whether an error is worth retrying: the network, a timeout, or the database going away or
// restarting. Never credentials, content, or a bug. The error may come from git (GitError), from
// Node's sockets (errno codes), from the pg driver (SQLSTATE codes), or from Prisma wrapping
// either (its own codes, the driver adapter's error in `meta` or `cause`, or only a message).

/** Node's socket and DNS errors that a later attempt may not meet. */
const NODE_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ESOCKETTIMEDOUT',
]);

/** PostgreSQL SQLSTATEs: class 08 (connection exception) is matched by prefix. */
const PG_CODES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, a restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** Prisma's codes for an unreachable or closed database and an exhausted pool. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** The driver adapter's error kinds (Prisma 7, @prisma/adapter-pg) that mean the connection went. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

// What pg and Prisma say when the socket went away without a code on the error itself.
const MESSAGES =
  /Connection terminated|connection (terminated|closed|refused|reset)|Server has closed the connection|Can't reach database server|terminating connection due to administrator command|Client has encountered a connection error|write EPIPE|read ECONNRESET|socket hang up/i;

/** True when retrying later may succeed (network, timeouts, a lost or restarting database). */
export function isTransient(err: unknown): boolean {
  if (err instanceof GitError) return err.transient;
  return codesOf(err).some(
    (code) =>
      NODE_CODES.has(code) ||
      PG_CODES.has(code) ||
      /^08[0-9A-Z]{3}$/.test(code) ||
      PRISMA_CODES.has(code) ||
      ADAPTER_KINDS.has(code),
  );
}

/** True when the error means the database connection was lost (for the run's message). */
export function isDatabaseConnectionLoss(err: unknown): boolean {
  return !(err instanceof GitError) && isTransient(err);
}

/** Every code, kind and message found on the error and what it wraps (cause, meta), depth-bounded. */
function codesOf(err: unknown, depth = 0, found: string[] = []): string[] {
  if (depth > 5 || err === null || typeof err !== 'object') return found;
  const e = err as Record<string, unknown>;
  for (const key of ['code', 'originalCode', 'kind', 'errno'])
    if (typeof e[key] === 'string') found.push(e[key] as string);
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) found.push('ECONNRESET');
  for (const key of ['cause', 'meta', 'driverAdapterError', 'originalError'])
    if (e[key] && typeof e[key] === 'object') codesOf(e[key], depth + 1, found);
  return found;
}
