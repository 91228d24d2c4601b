import type { Fabric, GitRepository } from '../db';
import { declaredKind } from '../gitops/revision';
import type { ConfigSource } from '../crds/fabricConfig';
import type { SyncWindow } from './schema';
import { effectiveSettings } from './settings';
import { activeSyncWindow } from './syncWindows';

/** The API shape of a fabric. */
export function presentFabric(f: Fabric & { repository: Pick<GitRepository, 'id' | 'name'> }) {
  return {
    id: f.id,
    name: f.name,
    description: f.description,
    status: f.status,
    repository: { id: f.repository.id, name: f.repository.name },
    gitopsDirectory: f.gitopsDirectory,
    revision: f.branch,
    revisionKind: declaredKind(f.branch) ?? f.revisionKind,
    // The former name of `revision`, kept for compatibility.
    branch: f.branch,
    syncPolicy: f.syncPolicy,
    syncWindows: f.syncWindows as SyncWindow[],
    syncWindowActive: !!activeSyncWindow(f.syncWindows as SyncWindow[]),
    prune: f.prune,
    enabled: f.syncEnabled,
    syncIntervalSeconds: f.syncIntervalSeconds,
    syncStatus: f.syncStatus,
    health: f.health,
    /** Invalid documents and unreadable files of the last applied sync (what makes it degraded). */
    invalidCount: f.invalidCount,
    lastAppliedRunId: f.lastAppliedRunId,
    lastSyncedAt: f.lastSyncedAt,
    lastSyncedCommit: f.lastSyncedCommit,
    lastAttemptedCommit: f.lastAttemptedCommit,
    lastSyncError: f.lastSyncError,
    remoteHead: f.remoteHead,
    remoteCheckedAt: f.remoteCheckedAt,
    cachedCrdCount: f.cachedCrdCount,
    countsByKind: f.countsByKind as Record<string, number>,
    lastSyncRunId: f.lastSyncRunId,
    /** The fabric's own configuration, every value (Hedgehog's defaults where not set); used when its directory holds no Fabricator document. */
    settings: effectiveSettings(f.settings),
    /** The settings changed after the last sync that used them: the next sync judges the records again. */
    settingsPendingSync: f.settingsPendingSync,
    /** Where the last applied sync took the configuration from: {source: "fabricator", path} or {source: "settings"}; null before. */
    configSource: f.configSource as ConfigSource | null,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  };
}

/** What the change log keeps of a fabric. */
export function fabricSnapshot(f: Fabric) {
  const {
    name,
    description,
    status,
    repositoryId,
    gitopsDirectory,
    branch,
    prune,
    syncEnabled,
    syncIntervalSeconds,
    syncPolicy,
    syncWindows,
    settings,
  } = f;
  return {
    name,
    description,
    status,
    repositoryId,
    gitopsDirectory,
    revision: branch,
    prune,
    enabled: syncEnabled,
    syncPolicy,
    syncIntervalSeconds,
    syncWindows,
    settings,
  };
}
