import { config } from '../config';
import { db } from '../db';
import { GitError, lsRemote } from '../gitops/git';
import { log } from '../log';
import { gitAuthFor } from '../repositories/gitAuth';
import { recordRemoteHead } from './fabricStatus';
import { startSync } from './startSync';

/**
 * Argo CD's "out of sync": a cheap ls-remote per (repository, branch) of the enabled fabrics.
 * A fabric whose branch moved past its synced commit is marked out_of_sync; one with a sync
 * interval that has elapsed (or that is out of sync) gets a scheduled sync.
 */
export async function checkForChanges(now = new Date()): Promise<{ checked: number; scheduled: number }> {
  const fabrics = await db().fabric.findMany({ where: { syncEnabled: true }, include: { repository: true } });
  const heads = new Map<string, Promise<string | null>>();
  let scheduled = 0;
  for (const fabric of fabrics) {
    const repo = fabric.repository;
    const branch = fabric.branch || repo.defaultBranch || undefined;
    const cacheKey = `${repo.id}:${branch}`;
    if (!heads.has(cacheKey)) {
      heads.set(
        cacheKey,
        lsRemote({
          url: repo.url,
          auth: gitAuthFor(repo),
          branch,
          timeoutMs: Math.min(repo.timeoutSeconds * 1000, config().gitTimeoutMs),
          allowInsecure: config().allowInsecureGit,
        })
          .then((r) => r.head)
          .catch((err) => {
            log.warn('checking for changes failed', {
              repository: repo.name,
              error: err instanceof GitError ? err.message : String(err),
            });
            return null;
          }),
      );
    }
    const head = await heads.get(cacheKey)!;
    if (!head) continue;
    const moved = !!fabric.lastSyncedCommit && head !== fabric.lastSyncedCommit;
    await recordRemoteHead([fabric.id], head);
    const due =
      fabric.syncIntervalSeconds &&
      (!fabric.lastSyncedAt || now.getTime() - fabric.lastSyncedAt.getTime() >= fabric.syncIntervalSeconds * 1000);
    if (fabric.syncIntervalSeconds && (due || moved)) {
      const { created } = await startSync({ fabricId: fabric.id, trigger: 'schedule', user: null });
      if (created) scheduled++;
    }
  }
  return { checked: heads.size, scheduled };
}
