import type { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectGarbage } from '../collectGarbage';
import { config } from '../config';
import { db, Prisma, queryRows, type BulkTx, type Fabric, type GitRepository, type SyncRun } from '../db';
import type { CloneResult } from '../gitops/git';
import { resolveRevision, type ResolvedRevision } from '../gitops/revision';
import { log } from '../log';
import { gitRemote } from '../repositories/gitAuth';
import { applyPlan, inTransaction } from './apply';
import { fetchDesiredState, type Fetched } from './read/fetchDesiredState';
import { plan, type Plan, type StoredRecord } from './plan';
import { previewOf, type PreviewPlan, type StoredContent } from './previewPlan';
import type { DesiredState, FileResult } from './read/readDesiredState';
import type { ConfigSource } from '../crds/fabricConfig';
import { effectiveSettings } from '../fabrics/settings';

export interface SyncEvents {
  /** A stage begins (cloning, parsing, planning, applying), with its amount of work when known. */
  stage: [stage: string, total?: number];
  /** The commit being synced is known (before parsing). */
  commit: [commit: CloneResult];
  /** Files parsed so far in the parsing stage. */
  progress: [done: number, total: number];
}

/** The run as the sync needs it: its fabric with the repository, who asked. */
export type RunToSync = SyncRun & {
  startedAt: Date;
  fabric: Fabric & { repository: GitRepository };
  requestedBy: { username: string } | null;
};

/** What a sync did; `failed` means nothing was applied (the prune guard, a missing directory). */
export interface SyncResult {
  status: 'succeeded' | 'partial' | 'failed';
  /** False when the commit was the last synced one and nothing was read or written. */
  applied: boolean;
  commit: { sha: string; message?: string | null; author?: string | null; date?: Date | null };
  counts: {
    files: number;
    documents: number;
    skipped: number;
    invalid: number;
    created: number;
    updated: number;
    unchanged: number;
    deleted: number;
  };
  files: FileResult[];
  error: string | null;
  /** Dry runs: what applying would do. */
  plan?: PreviewPlan;
  /** Where the fabric configuration came from; absent when nothing was read (same commit as before). */
  configSource?: ConfigSource;
}

/**
 * The sync: fetch (clone or fetch, scan, parse, validate), plan, and apply in one transaction, in
 * which `succeed` writes the run's result. Progress goes out as events. Throws when the attempt
 * failed (src/sync/runLifecycle.ts decides whether to retry); returns a `failed` result when it
 * refused to apply.
 */
export async function runSync(
  run: RunToSync,
  hooks: {
    events: EventEmitter<SyncEvents>;
    succeed: (tx: BulkTx, result: SyncResult) => Promise<void>;
  },
): Promise<SyncResult> {
  const { fabric } = run;
  const { events } = hooks;
  const repo = fabric.repository;
  const workDir = await mkdtemp(join(tmpdir(), 'hhfm-sync-'));
  const revision = fabric.branch || repo.defaultBranch || null;
  const timeoutMs = Math.min(repo.timeoutSeconds * 1000, config().gitTimeoutMs);
  let fetched: Fetched | undefined;
  const actorLabel = `sync run #${run.id}${run.requestedBy ? ` (requested by ${run.requestedBy.username})` : ` (${run.trigger})`}`;

  try {
    events.emit('stage', 'cloning');
    const remote = gitRemote(repo);
    // "Sync this commit" applies exactly that commit; otherwise the revision's head, resolved
    // with one ls-remote (a tag is peeled to its commit, a commit is itself).
    const target: ResolvedRevision = run.requestedCommit
      ? { sha: run.requestedCommit, kind: 'commit', name: run.requestedCommit, ref: null }
      : await resolveRevision({ ...remote, revision });
    if (!run.requestedCommit && !run.dryRun && target.kind !== fabric.revisionKind)
      await db().fabric.update({ where: { id: fabric.id }, data: { revisionKind: target.kind } });
    if (!run.force && !run.dryRun && fabric.lastSyncedCommit && !fabric.settingsPendingSync) {
      // Same commit as the last good sync (and the settings it used): no parsing, no writing.
      const head = target.sha;
      if (head === fabric.lastSyncedCommit) {
        const last = await db().syncRun.findFirst({
          where: { fabricId: fabric.id, commitSha: head, status: { in: ['succeeded', 'partial'] } },
          orderBy: { id: 'desc' },
        });
        const result: SyncResult = {
          status: 'succeeded',
          applied: false,
          commit: { sha: head, message: last?.commitMessage, author: last?.commitAuthor, date: last?.commitDate },
          counts: { ...NO_COUNTS, unchanged: fabric.cachedCrdCount },
          files: [],
          error: null,
        };
        // The life cycle's succeed writes the run, with the commit it was at.
        await inTransaction(async (tx) => {
          await tx.prisma.fabric.update({
            where: { id: fabric.id },
            data: { remoteHead: head, remoteCheckedAt: new Date() },
          });
          await hooks.succeed(tx, result);
        });
        return result;
      }
    }
    fetched = await fetchDesiredState({
      fabricId: fabric.id,
      url: remote.url,
      auth: remote.auth,
      caCertificate: remote.caCertificate,
      branch: target.name,
      refKind: target.kind,
      gitopsDirectory: fabric.gitopsDirectory,
      timeoutMs,
      allowInsecure: config().allowInsecureGit,
      workDir,
      force: run.force,
      // A preview neither uses nor replaces what a worker kept of the fabric: a sync may be using it.
      preview: run.dryRun,
      settings: effectiveSettings(fabric.settings),
      events,
    });
    const { commit, state } = fetched;
    // What reading left behind goes before the plan and the apply add theirs (collectGarbage.ts).
    await collectGarbage();
    const commitOf = { sha: commit.sha, message: commit.message, author: commit.author, date: commit.date };

    events.emit('stage', 'planning');
    const counts = { ...NO_COUNTS, ...state.counts };
    if (state.missingDirectory) {
      const { directory, nearest } = state.missingDirectory;
      const error =
        `directory "${directory}" does not exist at commit ${commit.sha.slice(0, 12)} (${target.kind} ${target.name})` +
        (nearest.length
          ? `; nearest existing: ${nearest.map((d) => `"${d}"`).join(', ')}`
          : '; the commit has no directories') +
        '; nothing was applied or deleted';
      return { status: 'failed', applied: false, commit: commitOf, counts, files: state.files, error };
    }
    // Straight on the pool: Prisma took about a second to hand over 50,000 rows. The identity is
    // put together by PostgreSQL, so that the rows are not copied here to add it.
    const stored = await queryRows<StoredRecord>(Prisma.sql`
      SELECT id, kind || '/' || namespace || '/' || name AS key, "contentHash", "sourcePath", "sourceLine", "validationState"::text AS "validationState", "validationMessages"
      FROM "CrdRecord" WHERE "fabricId" = ${fabric.id}`);
    const thePlan = plan({
      stored,
      desired: state.desired,
      heldKeys: state.heldKeys,
      failedPaths: state.failedPaths,
      // A scan stopped by a limit saw only part of the tree: what it did not see is not gone.
      prune: fabric.prune && state.complete,
    });
    if (thePlan.refused) {
      const error = [...state.problems, thePlan.refused].join('; ');
      return { status: 'failed', applied: false, commit: commitOf, counts, files: state.files, error };
    }

    if (run.dryRun) return await preview(run, thePlan, { commit: commitOf, counts, state }, hooks.succeed);

    events.emit('stage', 'applying', thePlan.create.length + thePlan.update.length + thePlan.delete.length);
    const hasErrors = state.problems.length > 0 || state.files.some((f) => f.errors.length > 0);
    const result: SyncResult = {
      status: hasErrors ? 'partial' : 'succeeded',
      applied: true,
      commit: commitOf,
      counts: {
        ...counts,
        created: thePlan.create.length,
        updated: thePlan.update.length,
        unchanged: thePlan.unchanged.length,
        deleted: thePlan.delete.length,
      },
      files: state.files,
      error: hasErrors ? summary(state) : null,
      configSource: state.configSource,
    };
    // The transaction's callback reaches the plan and the result only through this, emptied
    // once it is over: a callback that held them kept the whole sync's records alive after the
    // job had ended (until the next transaction; issue 16, measured).
    const applying: { plan: Plan | null; result: SyncResult | null } = { plan: thePlan, result };
    await inTransaction(async (tx) => {
      await applyPlan(tx, {
        fabricId: fabric.id,
        syncRunId: run.id,
        commit: commit.sha,
        actorLabel,
        userId: run.requestedById,
        plan: applying.plan!,
      });
      await hooks.succeed(tx, applying.result!);
    }).finally(() => {
      applying.plan = null;
      applying.result = null;
    });
    await fetched
      .keep()
      .catch((err) =>
        log.warn('could not keep the clone for the next sync', { syncRunId: run.id, error: (err as Error).message }),
      );
    log.info('sync finished', {
      syncRunId: run.id,
      fabric: fabric.name,
      commit: commit.sha,
      incremental: fetched.incremental,
      created: thePlan.create.length,
      updated: thePlan.update.length,
      deleted: thePlan.delete.length,
    });
    return result;
  } finally {
    await fetched?.settled;
    await rm(workDir, { recursive: true, force: true });
  }
}

/** A dry run's end: the plan with field changes, written to the run only; nothing is applied. */
async function preview(
  run: RunToSync,
  thePlan: Plan,
  read: { commit: SyncResult['commit']; counts: SyncResult['counts']; state: DesiredState },
  succeed: (tx: BulkTx, result: SyncResult) => Promise<void>,
): Promise<SyncResult> {
  const ids = thePlan.update.map((u) => u.stored.id);
  const before = ids.length
    ? await queryRows<StoredContent & { id: number }>(Prisma.sql`
        SELECT id, "apiVersion", spec, labels, annotations FROM "CrdRecord" WHERE id = ANY(${ids}::int[])`)
    : [];
  const hasErrors = read.state.problems.length > 0 || read.state.files.some((f) => f.errors.length > 0);
  const result: SyncResult = {
    status: hasErrors ? 'partial' : 'succeeded',
    applied: false,
    commit: read.commit,
    counts: {
      ...read.counts,
      created: thePlan.create.length,
      updated: thePlan.update.length,
      unchanged: thePlan.unchanged.length,
      deleted: thePlan.delete.length,
    },
    files: read.state.files,
    error: hasErrors ? summary(read.state) : null,
    plan: previewOf(thePlan, new Map(before.map((r) => [r.id, r]))),
    configSource: read.state.configSource,
  };
  await inTransaction((tx) => succeed(tx, result));
  return result;
}

const NO_COUNTS: SyncResult['counts'] = {
  files: 0,
  documents: 0,
  skipped: 0,
  invalid: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
};

function summary(state: DesiredState): string {
  const failed = state.files.filter((f) => f.errors.length);
  const errors = failed.reduce((n, f) => n + f.errors.length, 0);
  return [
    ...state.problems,
    failed.length &&
      `${errors} error${errors > 1 ? 's' : ''} in ${failed.length} file${failed.length > 1 ? 's' : ''}; the rest was applied`,
  ]
    .filter(Boolean)
    .join('; ');
}
