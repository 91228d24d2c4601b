import { z } from 'zod';
import { checkBranchName } from '../gitops/url';

const flag = z.preprocess(
  (v) => (v === 'on' || v === 'true' ? true : v === 'false' || v === '' ? false : v),
  z.boolean(),
);
// An empty form field clears the value (null), an absent one keeps it (undefined).
const branch = z.preprocess(
  (v) => (v === '' ? null : v),
  z
    .string()
    .trim()
    .refine((b) => !checkBranchName(b), {
      error: (issue) => checkBranchName(String(issue.input)) ?? 'invalid branch name',
    })
    .nullable()
    .optional(),
);

const fields = {
  name: z.string().trim().min(1, 'a name is required').max(100),
  description: z.string().max(2000),
  status: z.enum(['planned', 'active', 'maintenance', 'decommissioned']),
  repositoryId: z.coerce.number({ error: 'choose a repository' }).int().positive('choose a repository'),
  gitopsDirectory: z.string().max(500),
  branch,
  prune: flag,
  enabled: flag,
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
  enabled: fields.enabled.default(true),
});
export type FabricInput = z.infer<typeof FabricInput>;

/** Fabric update body: every field optional, no defaults (an absent field keeps its value). */
export const FabricPatch = z.object(fields).partial();
export type FabricPatch = z.infer<typeof FabricPatch>;

/** The body of a sync request. */
export const SyncInput = z.object({ force: flag.default(false) });
