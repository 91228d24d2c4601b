import { z } from 'zod';

const flag = z.preprocess((v) => (v === 'on' || v === 'true' ? true : v === 'false' || v === '' ? false : v), z.boolean());
const branch = z.preprocess(
  (v) => (v === '' || v === null ? undefined : v),
  z.string().trim().regex(/^(?!-)[\w./-]{1,200}$/, 'a branch name: letters, digits, "/", ".", "_" or "-"').optional(),
);

/** Fabric create body (API and form). */
export const FabricInput = z.object({
  name: z.string().trim().min(1, 'a name is required').max(100),
  description: z.string().max(2000).default(''),
  status: z.enum(['planned', 'active', 'maintenance', 'decommissioned']).default('active'),
  repositoryId: z.coerce.number({ error: 'choose a repository' }).int().positive('choose a repository'),
  gitopsDirectory: z.string().max(500).default(''),
  branch,
  prune: flag.default(true),
  enabled: flag.default(true),
  syncIntervalSeconds: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.coerce.number().int().min(60, 'at least 60 seconds').max(86_400 * 7).optional()),
});
export type FabricInput = z.infer<typeof FabricInput>;

export const FabricPatch = FabricInput.partial();
export type FabricPatch = z.infer<typeof FabricPatch>;

/** The body of a sync request. */
export const SyncInput = z.object({ force: flag.default(false) });
