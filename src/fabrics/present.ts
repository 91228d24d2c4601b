import type { Fabric, GitRepository } from '../db';

/** The API shape of a fabric. */
export function presentFabric(f: Fabric & { repository: Pick<GitRepository, 'id' | 'name'> }) {
  return {
    id: f.id,
    name: f.name,
    description: f.description,
    status: f.status,
    repository: { id: f.repository.id, name: f.repository.name },
    gitopsDirectory: f.gitopsDirectory,
    branch: f.branch,
    prune: f.prune,
    enabled: f.syncEnabled,
    syncIntervalSeconds: f.syncIntervalSeconds,
    syncStatus: f.syncStatus,
    lastSyncedAt: f.lastSyncedAt,
    lastSyncedCommit: f.lastSyncedCommit,
    lastAttemptedCommit: f.lastAttemptedCommit,
    lastSyncError: f.lastSyncError,
    remoteHead: f.remoteHead,
    cachedCrdCount: f.cachedCrdCount,
    countsByKind: f.countsByKind as Record<string, number>,
    lastSyncRunId: f.lastSyncRunId,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  };
}

/** What the change log keeps of a fabric. */
export function fabricSnapshot(f: Fabric) {
  const { name, description, status, repositoryId, gitopsDirectory, branch, prune, syncEnabled, syncIntervalSeconds } =
    f;
  return {
    name,
    description,
    status,
    repositoryId,
    gitopsDirectory,
    branch,
    prune,
    enabled: syncEnabled,
    syncIntervalSeconds,
  };
}
