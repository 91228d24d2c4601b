import { db, type SyncRun, type User } from '../db';

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
    dryRun: r.dryRun,
    requestedCommit: r.requestedCommit,
    ...(r.dryRun && r.plan !== undefined && { plan: r.plan }),
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
    /** Where the run took the fabric configuration from: {source: "fabricator", path, line?} or {source: "settings"}; null when it read nothing. */
    configSource: r.configSource ?? null,
    stages: r.stages,
    error: r.error,
    attempts: r.attempts,
    queuedAt: r.queuedAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
  };
}

/** The per-file results of a run that have errors, without loading the others. */
/** How many errors the fabric page shows before it links to the run's table of files. */
export const ERRORS_SHOWN = 5;

/** The first errors of a run's files (file order, then line order) and how many there are in all. */
export function firstErrors(
  files: { path: string; errors: { line: number; message: string }[] }[],
  limit = ERRORS_SHOWN,
): { items: { path: string; line: number; message: string }[]; total: number } {
  const all = files.flatMap((f) => f.errors.map((e) => ({ path: f.path, line: e.line, message: e.message })));
  return { items: all.slice(0, limit), total: all.length };
}

export async function filesWithErrors(
  syncRunId: number,
): Promise<{ path: string; errors: { line: number; message: string }[] }[]> {
  const [row] = await db().$queryRaw<{ files: { path: string; errors: { line: number; message: string }[] }[] }[]>`
    SELECT jsonb_path_query_array(files, '$[*] ? (@.errors.size() > 0)') AS files FROM "SyncRun" WHERE id = ${syncRunId}`;
  return row?.files ?? [];
}
