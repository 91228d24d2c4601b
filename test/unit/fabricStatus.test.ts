import { describe, expect, it } from 'vitest';
import { healthOf, syncStatusOf } from '../../src/sync/fabricStatus';

const synced = { lastSyncedCommit: 'a'.repeat(40), lastSyncedAt: new Date(), remoteHead: 'a'.repeat(40) };

describe('syncStatusOf', () => {
  it('follows the latest run while it is queued, running or failed', () => {
    expect(syncStatusOf({ ...synced, latestRun: 'queued' })).toBe('queued');
    expect(syncStatusOf({ ...synced, latestRun: 'running' })).toBe('syncing');
    expect(syncStatusOf({ ...synced, latestRun: 'failed' })).toBe('error');
  });

  it('is in sync when the synced commit is the head, out of sync when the head moved', () => {
    expect(syncStatusOf({ ...synced, latestRun: 'succeeded' })).toBe('in_sync');
    expect(syncStatusOf({ ...synced, latestRun: 'partial' })).toBe('in_sync');
    expect(syncStatusOf({ ...synced, latestRun: 'succeeded', remoteHead: 'b'.repeat(40) })).toBe('out_of_sync');
    // Not read yet: nothing says it moved.
    expect(syncStatusOf({ ...synced, latestRun: 'succeeded', remoteHead: null })).toBe('in_sync');
  });

  it('is never synced without a run, and out of sync when its source changed after a sync', () => {
    expect(syncStatusOf({ latestRun: null, lastSyncedCommit: null, lastSyncedAt: null, remoteHead: null })).toBe(
      'never_synced',
    );
    expect(syncStatusOf({ ...synced, latestRun: 'succeeded', lastSyncedCommit: null })).toBe('out_of_sync');
  });

  it('is out of sync when the fabric settings changed after the last sync that used them', () => {
    expect(syncStatusOf({ ...synced, latestRun: 'succeeded', settingsPendingSync: true })).toBe('out_of_sync');
    expect(syncStatusOf({ ...synced, latestRun: 'running', settingsPendingSync: true })).toBe('syncing');
    expect(syncStatusOf({ ...synced, latestRun: 'succeeded', settingsPendingSync: false })).toBe('in_sync');
  });
});

describe('healthOf', () => {
  it('is degraded when anything was invalid, healthy otherwise', () => {
    expect(healthOf(0)).toBe('healthy');
    expect(healthOf(21)).toBe('degraded');
  });
});
