import { setTimeout as sleep } from 'node:timers/promises';
import { recordChange } from '../audit';
import { config } from '../config';
import { db, type GitRepository } from '../db';
import { declaredKind, resolveRevision, type RevisionKind } from '../gitops/revision';
import { GitError } from '../gitops/git';
import { log } from '../log';
import { key, redis } from '../redis';
import { redactText } from '../secrets/redact';
import { recordRemoteHead } from '../sync/fabricStatus';
import { gitRemote } from './gitAuth';

// A repository's health check: `git ls-remote` with its credentials, for its default branch and
// for every revision its fabrics follow (one call per revision), so the same round tells whether
// the repository is reachable and whether each fabric is out of sync. Run periodically for every
// repository (src/jobs/repositoryChecks.ts), by Test connection and by a fabric's Refresh.

export const KEPT_CHECKS = 50;
const CHECKS_AT_ONCE = 4;
const MAX_BACKOFF_MS = 60 * 60_000;

export type CheckTrigger = 'schedule' | 'test' | 'refresh';

export interface CheckOutcome {
  repository: GitRepository;
  ok: boolean;
  /** Head of the repository's default branch (or its configured one), when reachable. */
  head: string | null;
  headBranch: string | null;
  durationMs: number;
}

/**
 * The wait before the next periodic check: the interval while checks succeed; after `failures`
 * failed ones in a row, the interval doubled for each failure after the first, up to an hour.
 */
export function nextCheckDelay(intervalMs: number, failures: number): number {
  if (failures <= 1) return intervalMs;
  return Math.max(intervalMs, Math.min(intervalMs * 2 ** (failures - 1), MAX_BACKOFF_MS));
}

/** ±10%, so that repositories added together do not hit their servers together for ever. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (0.9 + 0.2 * random()));
}

/**
 * Checks one repository now, never two at once for one repository (a Redis lock; a second
 * caller waits for the first one's check to end, then checks itself). Test connection resets the
 * backoff. Records the outcome, the history, a change of state, and the heads of its fabrics.
 */
export async function checkRepository(props: {
  id: number;
  trigger: CheckTrigger;
  /** Injected by tests of the backoff. */
  now?: () => Date;
}): Promise<CheckOutcome | null> {
  const now = props.now ?? (() => new Date());
  const release = await lock(props.id);
  try {
    const repo = await db().gitRepository.findUnique({
      where: { id: props.id },
      include: { fabrics: { select: { id: true, branch: true } } },
    });
    if (!repo) return null;
    // Another worker's round checked it while this one waited for the lock.
    if (props.trigger === 'schedule' && repo.nextCheckAt && repo.nextCheckAt > now()) return null;
    const started = Date.now();
    const remote = gitRemote(repo);
    const read = (revision: string | null) =>
      resolveRevision({ ...remote, revision: revision ?? repo.defaultBranch ?? null }).then((r) => ({
        head: r.sha,
        branch: r.name,
        kind: r.kind,
      }));

    let head: { head: string; branch: string; kind: RevisionKind } | null = null;
    let failure: { kind: string; message: string } | null = null;
    try {
      head = await read(null);
    } catch (err) {
      failure = {
        kind: err instanceof GitError ? err.kind : 'unknown',
        // A GitError's message is redacted where it is made, around the URL it quotes (gitops/git.ts).
        message: err instanceof GitError ? err.message : `unexpected error: ${redactText((err as Error).message)}`,
      };
    }
    const durationMs = Date.now() - started;

    // The heads its fabrics follow, one ls-remote per revision; a revision of its own that is
    // missing is that fabric's problem (its sync says so), not the repository's.
    if (head) {
      const byRevision = new Map<string | null, number[]>();
      for (const f of repo.fabrics) {
        const revision = f.branch || null;
        byRevision.set(revision, [...(byRevision.get(revision) ?? []), f.id]);
      }
      for (const [revision, fabricIds] of byRevision) {
        const seen = revision === null ? head : await read(revision).catch(() => null);
        if (!seen) continue;
        await recordRemoteHead(fabricIds, seen.head, now());
        // What a bare name turned out to be (branch or tag), for the pages.
        if (revision && !declaredKind(revision))
          await db().fabric.updateMany({ where: { id: { in: fabricIds } }, data: { revisionKind: seen.kind } });
      }
    }

    const at = now();
    const failures = head ? 0 : props.trigger === 'test' ? 1 : repo.consecutiveFailures + 1;
    const state = head ? 'connected' : 'failed';
    const updated = await db().$transaction(async (tx) => {
      const updated = await tx.gitRepository.update({
        where: { id: repo.id },
        data: {
          connectionStatus: state,
          lastCheckedAt: at,
          ...(head && { lastValidatedAt: at }),
          validationError: failure?.message ?? null,
          remoteHead: head?.head ?? null,
          consecutiveFailures: failures,
          failingSince: head ? null : repo.connectionStatus === 'failed' ? (repo.failingSince ?? at) : at,
          nextCheckAt: new Date(at.getTime() + jittered(nextCheckDelay(config().repositoryCheckIntervalMs, failures))),
        },
      });
      await tx.repositoryCheck.create({
        data: {
          repositoryId: repo.id,
          time: at,
          ok: !!head,
          durationMs,
          errorClass: failure?.kind ?? null,
          error: failure?.message ?? null,
          trigger: props.trigger,
        },
      });
      await tx.$executeRaw`
        DELETE FROM "RepositoryCheck" WHERE "repositoryId" = ${repo.id} AND id NOT IN (
          SELECT id FROM "RepositoryCheck" WHERE "repositoryId" = ${repo.id} ORDER BY id DESC LIMIT ${KEPT_CHECKS})`;
      // Connected <-> failed is a change of state worth a line in the change log.
      const previous = repo.connectionStatus;
      if ((previous === 'connected' || previous === 'failed') && previous !== state)
        await recordChange({
          tx,
          user: null,
          actorLabel: `repository check (${props.trigger})`,
          action: 'update',
          objectType: 'GitRepository',
          objectId: repo.id,
          objectLabel: repo.name,
          before: { connectionStatus: previous },
          after: { connectionStatus: state, ...(failure && { validationError: failure.message }) },
        });
      return updated;
    });
    if (failure)
      log.warn('repository check failed', {
        repository: repo.name,
        trigger: props.trigger,
        kind: failure.kind,
        error: failure.message,
      });
    return { repository: updated, ok: !!head, head: head?.head ?? null, headBranch: head?.branch ?? null, durationMs };
  } finally {
    await release();
  }
}

/** Checks every repository whose next check is due, one after the other. Returns how many. */
export async function checkDueRepositories(now = new Date()): Promise<number> {
  const due = await db().gitRepository.findMany({
    where: { OR: [{ nextCheckAt: null }, { nextCheckAt: { lte: now } }] },
    select: { id: true },
    orderBy: [{ nextCheckAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
  });
  // A few at a time: one slow or hanging remote does not hold up the others' checks.
  const queue = [...due];
  const checkNext = async (): Promise<void> => {
    for (let r = queue.shift(); r; r = queue.shift())
      await checkRepository({ id: r.id, trigger: 'schedule' }).catch((err) =>
        log.warn('repository check crashed', { repositoryId: r!.id, error: (err as Error).message }),
      );
  };
  await Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, queue.length) }, checkNext));
  return due.length;
}

// The lock outlives the slowest check (every ls-remote of a repository under the git timeout);
// a holder that died frees it when it expires.
async function lock(repositoryId: number): Promise<() => Promise<void>> {
  const name = key('repository-check', repositoryId);
  const token = `${process.pid}-${Math.random()}`;
  const ttlMs = config().gitTimeoutMs * 4 + 10_000;
  for (;;) {
    if ((await redis().set(name, token, 'PX', ttlMs, 'NX')) === 'OK') break;
    await sleep(100);
  }
  return async () => {
    // Only our own lock: compare and delete in one step.
    await redis()
      .eval(
        `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`,
        1,
        name,
        token,
      )
      .catch(() => {});
  };
}
