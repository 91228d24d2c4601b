// One source per status vocabulary: value, label and badge colour together, used by the
// pages, the API and the tests.

export interface Choice {
  label: string;
  color: 'green' | 'red' | 'yellow' | 'blue' | 'azure' | 'orange' | 'secondary' | 'purple';
}

export const SYNC_STATUS = {
  never_synced: { label: 'Never synced', color: 'secondary' },
  queued: { label: 'Queued', color: 'azure' },
  syncing: { label: 'Syncing', color: 'blue' },
  in_sync: { label: 'In sync', color: 'green' },
  out_of_sync: { label: 'Out of sync', color: 'yellow' },
  error: { label: 'Error', color: 'red' },
} satisfies Record<string, Choice>;

/** What the last applied sync left (Argo CD's health); shown beside the sync status, never instead of it. */
export const FABRIC_HEALTH = {
  healthy: { label: 'Healthy', color: 'green' },
  degraded: { label: 'Degraded', color: 'orange' },
  unknown: { label: 'Health unknown', color: 'secondary' },
} satisfies Record<string, Choice>;

/** The health as one badge: "Degraded · 21 invalid". */
export function healthChoice(f: { health: keyof typeof FABRIC_HEALTH; invalidCount: number }): Choice {
  const c = FABRIC_HEALTH[f.health];
  return f.health === 'degraded' ? { ...c, label: `${c.label} · ${f.invalidCount} invalid` } : c;
}

export const RUN_STATUS = {
  queued: { label: 'Queued', color: 'azure' },
  running: { label: 'Running', color: 'blue' },
  succeeded: { label: 'Succeeded', color: 'green' },
  partial: { label: 'Partial', color: 'orange' },
  failed: { label: 'Failed', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'secondary' },
} satisfies Record<string, Choice>;

export const CONNECTION_STATUS = {
  pending: { label: 'Not tested', color: 'secondary' },
  testing: { label: 'Testing', color: 'blue' },
  connected: { label: 'Connected', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
} satisfies Record<string, Choice>;

export const FABRIC_STATUS = {
  planned: { label: 'Planned', color: 'azure' },
  active: { label: 'Active', color: 'green' },
  maintenance: { label: 'Maintenance', color: 'orange' },
  decommissioned: { label: 'Decommissioned', color: 'secondary' },
} satisfies Record<string, Choice>;

export const VALIDATION_STATE = {
  valid: { label: 'Valid', color: 'green' },
  warning: { label: 'Warning', color: 'yellow' },
} satisfies Record<string, Choice>;

export const CHANGE_ACTION = {
  create: { label: 'Created', color: 'green' },
  update: { label: 'Updated', color: 'blue' },
  delete: { label: 'Deleted', color: 'red' },
} satisfies Record<string, Choice>;

export const ROLE = {
  admin: { label: 'Admin', color: 'red' },
  operator: { label: 'Operator', color: 'blue' },
  viewer: { label: 'Viewer', color: 'secondary' },
} satisfies Record<string, Choice>;

export const AUTH_TYPE = {
  none: { label: 'None (public)', color: 'secondary' },
  token: { label: 'HTTPS token', color: 'blue' },
  basic: { label: 'Username and password', color: 'blue' },
  ssh_key: { label: 'SSH key', color: 'purple' },
} satisfies Record<string, Choice>;

export const VOCABULARIES = {
  SYNC_STATUS,
  FABRIC_HEALTH,
  RUN_STATUS,
  CONNECTION_STATUS,
  FABRIC_STATUS,
  VALIDATION_STATE,
  CHANGE_ACTION,
  ROLE,
  AUTH_TYPE,
};
