import type { Role } from '../db';

// Permissions as data: role -> resource -> actions. Everything not listed is refused.
export type Resource = 'dashboard' | 'fabric' | 'repository' | 'crd' | 'syncRun' | 'change' | 'user' | 'token';
export type Action = 'view' | 'add' | 'change' | 'delete' | 'sync' | 'test';

const READ: Partial<Record<Resource, Action[]>> = {
  dashboard: ['view'],
  fabric: ['view'],
  repository: ['view'],
  crd: ['view'],
  syncRun: ['view'],
  change: ['view'],
  // Everyone manages their own API tokens.
  token: ['view', 'add', 'delete'],
};

export const PERMISSIONS: Record<Role, Partial<Record<Resource, Action[]>>> = {
  viewer: READ,
  operator: { ...READ, fabric: ['view', 'sync'] },
  admin: {
    ...READ,
    fabric: ['view', 'add', 'change', 'delete', 'sync'],
    repository: ['view', 'add', 'change', 'delete', 'test'],
    user: ['view', 'add', 'change', 'delete'],
  },
};

/** Whether a role may change anything beyond its own tokens: only such a role is offered a write-enabled token. */
export function canWrite(role: Role | undefined): boolean {
  return (
    !!role &&
    Object.entries(PERMISSIONS[role]).some(
      ([resource, actions]) => resource !== 'token' && actions.some((a) => a !== 'view'),
    )
  );
}

/** Whether a role may do an action on a resource. */
export function allowed(role: Role | undefined, action: Action, resource: Resource): boolean {
  return !!role && (PERMISSIONS[role][resource]?.includes(action) ?? false);
}
