import type { ObjectContent } from '../crds';

// The plan is a pure function of the stored records and the desired state read from git.

export interface Issue {
  line: number;
  message: string;
}

export interface DesiredRecord extends ObjectContent {
  key: string; // kind/namespace/name
  path: string;
  line: number;
  contentHash: string;
  /** Outgoing references as "Kind/name" (derived from spec, so covered by the content hash). */
  refs: string[];
  warnings: Issue[];
}

export interface StoredRecord {
  id: number;
  key: string;
  contentHash: string;
  sourcePath: string;
  sourceLine: number;
  validationState: 'valid' | 'warning';
  validationMessages: unknown;
}

export interface PlanInput {
  stored: StoredRecord[];
  desired: DesiredRecord[];
  /** Identities that git holds but that could not be applied (duplicates, invalid or unserved documents): left as they are. */
  heldKeys: Set<string>;
  /** Files that failed to read or parse: their records are kept. */
  failedPaths: Set<string>;
  prune: boolean;
}

export interface Plan {
  create: DesiredRecord[];
  update: { desired: DesiredRecord; stored: StoredRecord }[];
  /** Same content; `touch` when only its place in git or its warnings moved (no change record). */
  unchanged: { desired: DesiredRecord; stored: StoredRecord; touch: boolean }[];
  delete: StoredRecord[];
  /** Records that left git but are kept, and why. */
  kept: { stored: StoredRecord; reason: string }[];
  /** Set when the prune guard stopped the sync: nothing must be applied. */
  refused?: string;
}

function sameWarnings(stored: StoredRecord, desired: DesiredRecord): boolean {
  if ((stored.validationState === 'warning') !== desired.warnings.length > 0) return false;
  // Most records have no warnings: two empty lists are equal without writing them out as JSON.
  const messages = stored.validationMessages;
  if (desired.warnings.length === 0 && Array.isArray(messages)) return messages.length === 0;
  return JSON.stringify(messages) === JSON.stringify(desired.warnings);
}

/** Desired vs stored by identity and content hash: create, update, unchanged, delete. */
export function plan(input: PlanInput): Plan {
  const result: Plan = { create: [], update: [], unchanged: [], delete: [], kept: [] };
  const storedByKey = new Map(input.stored.map((s) => [s.key, s]));
  const desiredKeys = new Set<string>();

  for (const d of input.desired) {
    desiredKeys.add(d.key);
    const s = storedByKey.get(d.key);
    if (!s) result.create.push(d);
    else if (s.contentHash !== d.contentHash) result.update.push({ desired: d, stored: s });
    else {
      // A moved file is not a changed record: only its source path is refreshed.
      const touch = s.sourcePath !== d.path || s.sourceLine !== d.line || !sameWarnings(s, d);
      result.unchanged.push({ desired: d, stored: s, touch });
    }
  }

  for (const s of input.stored) {
    if (desiredKeys.has(s.key)) continue;
    if (!input.prune) result.kept.push({ stored: s, reason: 'prune is off for this fabric' });
    else if (input.heldKeys.has(s.key)) result.kept.push({ stored: s, reason: 'its document in git has errors' });
    else if (input.failedPaths.has(s.sourcePath))
      result.kept.push({ stored: s, reason: `its file ${s.sourcePath} could not be read` });
    else result.delete.push(s);
  }

  if (input.desired.length === 0 && input.stored.length > 0 && input.prune) {
    result.refused = `nothing was applied: the scan found no valid document while the fabric has ${input.stored.length} records; an empty or wrong directory never deletes everything (check the gitops directory and the branch)`;
  }
  return result;
}
