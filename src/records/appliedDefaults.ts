// What the fabric's mutating webhook (`Default()`) fills in on a record, for its page: the stored
// spec stays what git says, and the page shows these values beside it. Computed with the very
// defaulting the validation runs (effectiveSpec), never a copy of it.
import type { KindDef, Spec } from '../crds';
import { effectiveSpec } from '../crds/validate';
import { fieldChanges } from './fieldChanges';

export interface AppliedDefault {
  /** Dotted path, e.g. `spec.subnet` or `spec.ranges[0].to`. */
  path: string;
  /** The value as the fabric sees it after `Default()`; null when `Default()` drops the field. */
  value: unknown;
  /** What git says there; null when the field is absent. */
  stored: unknown;
}

/**
 * The fields the fabric's defaults add, change or drop on this spec (none for a kind without
 * defaults). A dropped field (a VLANNamespace's ranges when one is broken, the DHCP range of a
 * disabled server) has value null; a field absent both in git and after Default() is not listed.
 */
export function appliedDefaults(kind: KindDef, spec: Spec): AppliedDefault[] {
  if (!kind.defaults) return [];
  let effective: Spec;
  try {
    effective = effectiveSpec(kind, spec);
  } catch {
    // Defaults run on specs that passed the schema; a stored spec that somehow did not shows none.
    return [];
  }
  return fieldChanges(spec, effective, 'spec', { items: true })
    .filter((c) => c.after !== null || c.before !== null)
    .map((c) => ({ path: c.path, value: c.after, stored: c.before }));
}
