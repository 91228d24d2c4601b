// Field-level differences between two snapshots of a record (previews, record history).

export interface FieldChange {
  /** Dotted path, e.g. spec.subnets.default.subnet or metadata.labels.rack. */
  path: string;
  before: unknown;
  after: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The leaves that differ between two values; objects are walked, scalars compared whole, and so
 * are arrays unless `items` asks for arrays of one length to be walked item by item
 * (`ranges[0].to`).
 */
export function fieldChanges(
  before: unknown,
  after: unknown,
  path = '',
  opts: { items?: boolean } = {},
): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => fieldChanges(before[k], after[k], path ? `${path}.${k}` : k, opts));
  }
  if (opts.items && Array.isArray(before) && Array.isArray(after) && before.length === after.length)
    return before.flatMap((b, i) => fieldChanges(b, after[i], `${path}[${i}]`, opts));
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, before: before ?? null, after: after ?? null }];
}
