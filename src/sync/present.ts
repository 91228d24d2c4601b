import type { SyncRun, User } from '../db';

/** The API shape of a sync run (DESIGN §6). */
export function presentSyncRun(r: SyncRun & { requestedBy?: Pick<User, 'username'> | null }) {
  return {
    id: r.id,
    fabricId: r.fabricId,
    status: r.status,
    stage: r.stage,
    progress: { done: r.progressDone, total: r.progressTotal },
    trigger: r.trigger,
    requestedBy: r.requestedBy?.username ?? null,
    force: r.force,
    jobId: r.jobId,
    commit: { sha: r.commitSha, message: r.commitMessage, author: r.commitAuthor, date: r.commitDate },
    counts: {
      files: r.filesCount,
      documents: r.documentsCount,
      created: r.createdCount,
      updated: r.updatedCount,
      unchanged: r.unchangedCount,
      deleted: r.deletedCount,
      skipped: r.skippedCount,
      invalid: r.invalidCount,
    },
    files: r.files,
    stages: r.stages,
    error: r.error,
    attempts: r.attempts,
    queuedAt: r.queuedAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
  };
}
