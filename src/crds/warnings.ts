/**
 * Level 2 validation: rules the live fabric enforces across objects, reported as warnings on
 * applied records. This is the generic engine: each kind's name rules and lint,
 * references that find no record, then each kind's own cross-record rules (`crossCheck` in its
 * file under kinds/). Every pass is a map lookup or a sort, never a scan of all records per
 * record, because a fabric may hold 50,000 records.
 */
import { identityKey } from './crossCheck';
import { HEDGEHOG_DEFAULTS, type FabricConfig } from './fabricConfig';
import { kindByName, kinds } from './index';
import { dotted, mapping, undotted } from './spec';
import type { CrossContext, CrossRecord, Indexed, Issue } from './types';

export { identityKey } from './crossCheck';
export type { CrossRecord } from './types';

class Warnings {
  readonly byKey = new Map<string, Issue[]>();
  private readonly seen = new Map<string, Set<string>>();

  /** Adds a warning; the message gets the rendered path as its prefix. */
  add(key: string, path: (string | number)[], message: string): void {
    // Joined, not a template: a template's cons string keeps its parts (a rule's message is
    // often a template too), and the sync keeps every warning until the run is written.
    this.addIssue(key, { path, message: [dotted(path), ': ', message].join('') });
  }

  /** Adds an issue whose message is already complete. */
  addIssue(key: string, issue: Issue): void {
    const { path, message: full } = issue;
    let seen = this.seen.get(key);
    if (!seen) this.seen.set(key, (seen = new Set()));
    if (seen.has(full)) return;
    seen.add(full);
    const list = this.byKey.get(key);
    if (list) list.push({ path, message: full });
    else this.byKey.set(key, [{ path, message: full }]);
  }
}

/** Level 2: warnings over the whole desired set of one fabric, keyed by identityKey. Only records with warnings appear. */
export function crossValidate(input: CrossRecord[], config: FabricConfig = HEDGEHOG_DEFAULTS): Map<string, Issue[]> {
  const w = new Warnings();
  // kind → namespace → name, so that a lookup (one per reference, many per rule) builds no
  // string; and each kind's records in input order, as the rules and `all` see them.
  const byKind = new Map<string, Map<string, Map<string, Indexed>>>();
  const listed = new Map<string, Indexed[]>();
  // Duplicate identities are the sync's error to report; here the first definition wins.
  const records: Indexed[] = [];
  for (const record of input) {
    let namespaces = byKind.get(record.kind);
    if (!namespaces) {
      byKind.set(record.kind, (namespaces = new Map()));
      listed.set(record.kind, []);
    }
    let names = namespaces.get(record.namespace);
    if (!names) namespaces.set(record.namespace, (names = new Map()));
    if (names.has(record.name)) continue;
    const indexed = { key: record.key ?? identityKey(record), record };
    names.set(record.name, indexed);
    listed.get(record.kind)!.push(indexed);
    records.push(indexed);
  }
  const find = (kind: string, namespace: string, name: string) => byKind.get(kind)?.get(namespace)?.get(name);
  const hasAny = (kind: string) => (listed.get(kind)?.length ?? 0) > 0;

  for (const { key, record } of records) {
    const def = kindByName(record.kind);
    if (!def) continue;
    const spec = mapping(record.spec) ?? {};
    for (const message of def.lintName?.(record.name) ?? []) w.add(key, ['metadata', 'name'], message);
    for (const issue of def.lint?.(spec) ?? []) w.addIssue(key, issue);

    if (def.referencesUnchecked?.(spec)) continue;
    for (const ref of def.references(spec)) {
      const targetDef = kindByName(ref.kind);
      if (!targetDef) continue;
      const target = find(ref.kind, record.namespace, ref.name);
      if (!target) {
        // Hand-written wiring rarely defines the objects the fabric defaults to; a missing one is
        // only worth a warning when the fabric defines objects of that kind at all.
        if (targetDef.fabricDefault === ref.name && !hasAny(ref.kind)) continue;
        if (targetDef.unresolvedReferencesAccepted) continue;
        w.add(
          key,
          undotted(ref.field),
          `${ref.kind} "${ref.name}"${ref.defaulted ? ' (the default)' : ''} is not defined in this fabric`,
        );
      } else {
        // The field is parsed back into a path only for a warning: most references have none.
        const problem = targetDef.checkReferenceTo?.(target.record.spec, ref);
        if (problem) w.add(key, undotted(ref.field), problem);
      }
    }
  }

  const all = (kind: string) => [...(listed.get(kind) ?? [])];
  const context: CrossContext = { find, all, config, warn: (key, path, message) => w.add(key, path, message) };
  for (const def of kinds) {
    const ofKind = listed.get(def.kind);
    if (def.crossCheck && ofKind) def.crossCheck([...ofKind], context);
  }
  return w.byKey;
}
