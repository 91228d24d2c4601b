import { z } from 'zod';
import { refName } from '../repositories/schema';
import { SettingsPatch } from './settings';

const flag = z.preprocess(
  (v) => (v === 'on' || v === 'true' ? true : v === 'false' || v === '' ? false : v),
  z.boolean(),
);
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A weekly deny window: automatic syncs wait during it, manual ones need `force`. */
export const SyncWindow = z.object({
  days: z
    .array(z.enum(DAYS, { error: `days are ${DAYS.join(', ')}` }))
    .min(1, 'name at least one day')
    .max(7),
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'start is HH:MM (24 h)'),
  durationMinutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60, 'at most a week'),
  timeZone: z.string().default('UTC').refine(isTimeZone, 'unknown time zone (use an IANA name such as Europe/Berlin)'),
});
export type SyncWindow = z.infer<typeof SyncWindow>;

const fields = {
  name: z.string().trim().min(1, 'a name is required').max(100),
  description: z.string().max(2000),
  status: z.enum(['planned', 'active', 'maintenance', 'decommissioned']),
  repositoryId: z.coerce.number({ error: 'choose a repository' }).int().positive('choose a repository'),
  gitopsDirectory: z.string().max(500),
  // An empty form field clears the value (null), an absent one keeps it (undefined).
  branch: refName(),
  /** Branch, tag or commit sha; wins over `branch` when both are given. */
  revision: refName('revision'),
  syncPolicy: z.enum(['manual', 'automatic'], { error: 'choose manual or automatic' }),
  syncWindows: z.array(SyncWindow).max(20),
  prune: flag,
  enabled: flag,
  /** The fabric's own configuration (src/fabrics/settings.ts); what is left out keeps its value. */
  settings: SettingsPatch.optional(),
  syncIntervalSeconds: z.preprocess(
    (v) => (v === '' ? null : v),
    z.coerce
      .number()
      .int()
      .min(60, 'at least 60 seconds')
      .max(86_400 * 7)
      .nullable()
      .optional(),
  ),
};

/** Fabric create body (API and form). */
export const FabricInput = z.object({
  ...fields,
  description: fields.description.default(''),
  status: fields.status.default('active'),
  gitopsDirectory: fields.gitopsDirectory.default(''),
  prune: fields.prune.default(true),
  // Absent: automatic when a sync interval is given (as before policies existed), else manual.
  syncPolicy: fields.syncPolicy.optional(),
  syncWindows: fields.syncWindows.default([]),
  enabled: fields.enabled.default(true),
});
export type FabricInput = z.infer<typeof FabricInput>;

/** Fabric update body: every field optional, no defaults (an absent field keeps its value). */
export const FabricPatch = z.object(fields).partial();
export type FabricPatch = z.infer<typeof FabricPatch>;

/** The body of a sync request. */
export const SyncInput = z.object({
  force: flag.default(false),
  /** Plan only: nothing is applied. */
  dryRun: flag.default(false),
  /** Apply (or preview) this commit, which must be reachable from the fabric's revision. */
  commit: z
    .string()
    .trim()
    .regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/i, 'a full commit sha (40 hex digits)')
    .transform((c) => c.toLowerCase())
    .optional(),
});
export type SyncInput = z.infer<typeof SyncInput>;
