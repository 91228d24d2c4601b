import { describe, expect, it } from 'vitest';
import { GitError } from '../../src/gitops/git';
import { isTransient } from '../../src/sync/isTransient';

/** An error as Node's sockets raise it. */
function socketError(code: string, syscall = 'write'): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { code, syscall, errno: -32 });
}

/** An error as the pg driver raises it for a server message. */
function pgError(code: string): Error {
  return Object.assign(new Error(`server said ${code}`), { code, severity: 'FATAL' });
}

describe('isTransient', () => {
  describe.each([
    'EPIPE',
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EAI_AGAIN',
  ])('Node socket error %s', (code) => {
    it('is transient, bare or wrapped by Prisma', () => {
      expect(isTransient(socketError(code))).toBe(true);
      const wrapped = Object.assign(new Error('Invalid `prisma.$executeRaw()` invocation'), {
        cause: socketError(code),
      });
      expect(isTransient(wrapped)).toBe(true);
    });
  });

  it.each(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '08P01', '53300', '40001', '40P01'])(
    'SQLSTATE %s from the driver is transient, also inside a driver adapter error',
    (code) => {
      expect(isTransient(pgError(code))).toBe(true);
      const prisma = Object.assign(new Error('Raw query failed'), {
        code: 'P2010',
        meta: { driverAdapterError: { cause: { originalCode: code, kind: 'postgres' } } },
      });
      expect(isTransient(prisma)).toBe(true);
    },
  );

  it.each(['P1001', 'P1002', 'P1008', 'P1017', 'P2024'])('Prisma code %s is transient', (code) => {
    expect(isTransient(Object.assign(new Error('prisma'), { code }))).toBe(true);
  });

  it.each(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout'])(
    'driver adapter kind %s is transient',
    (kind) => {
      expect(isTransient(Object.assign(new Error('adapter'), { cause: { kind } }))).toBe(true);
    },
  );

  it.each([
    'Connection terminated unexpectedly',
    'write EPIPE',
    'read ECONNRESET',
    'Server has closed the connection.',
    'terminating connection due to administrator command',
  ])('a message without a code, "%s", is transient', (message) => {
    expect(isTransient(new Error(message))).toBe(true);
  });

  it('follows git: unreachable and timeout are transient, auth and not found are not', () => {
    expect(isTransient(new GitError('unreachable', 'cannot reach host'))).toBe(true);
    expect(isTransient(new GitError('timeout', 'timed out after 2 s'))).toBe(true);
    expect(isTransient(new GitError('auth', 'authentication failed'))).toBe(false);
    expect(isTransient(new GitError('not_found', 'repository not found'))).toBe(false);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['a syntax error', pgError('42601')],
    ['a Prisma record not found', Object.assign(new Error('not found'), { code: 'P2025' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a missing file', socketError('ENOENT', 'open')],
    ['nothing', undefined],
    ['a string', 'ECONNRESET'],
  ])('%s is not transient', (_what, err) => {
    expect(isTransient(err)).toBe(false);
  });
});
