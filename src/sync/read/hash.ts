import { hash } from 'node:crypto';

// Every document of a sync is hashed, in the parse threads: this text is built once per record,
// so it is written without the intermediate arrays of Object.entries/map/join (their garbage,
// between the parser's, made hashing cost twice its own time). The text is unchanged, and so
// are the hashes stored with every record.

// Object keys repeat across records (spec field names): quoted once.
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

// Above this many keys, Array.prototype.sort; below, an insertion sort in place (sort() copies
// the array it sorts, and its garbage showed in a sync's profile).
const INSERTION_SORT_MAX = 32;

/** An object's keys in code-unit order (as `<` and the default sort compare strings). */
function sortedKeys(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** JSON with object keys sorted, so equal content always gives equal text. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = sortedKeys(object);
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${quoteKey(key)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** What makes a record "changed": apiVersion, spec, labels and annotations (not where it lives in git). */
export function contentHash(r: { apiVersion: string; spec: unknown; labels: unknown; annotations: unknown }): string {
  // One-shot: a Hash object per record was a C++ object for the collector to finalise.
  return hash(
    'sha256',
    canonicalJson({ apiVersion: r.apiVersion, spec: r.spec, labels: r.labels, annotations: r.annotations }),
    'hex',
  );
}
