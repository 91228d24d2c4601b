// Names of other records (RecordRef, from the kinds' columns and panels, and the references of
// the record page) resolved to the records they name, always within the naming record's fabric
// and namespace: one indexed query for a page of rows or a record page, whatever the kinds.
import { kindByName, type RecordRef } from '../crds';
import { Prisma, queryRows } from '../db';
import { builtinHref, findBuiltin } from './builtinEntries';

/** Where a name is looked up: the fabric and namespace of the record that names it. */
export interface RefScope {
  fabricId: number;
  fabricName: string;
  namespace: string;
}

/** A name as the page shows it: a link to the record, or the name with what it is instead. */
export interface ResolvedRef {
  kind: string;
  name: string;
  /** What the page shows: the ref's label, else its name. */
  label: string;
  href: string | null;
  /** No record of that kind and name in the fabric, and the fabric does not do without one. */
  missing: boolean;
  /**
   * Why an unlinked name is not missing: `not tracked` (a kind the fabric never looks up, such
   * as a ServerProfile), `fabric default` (the name the fabric creates by itself) or `built in`
   * (an entry of the fabric's catalogue, such as a built-in SwitchProfile: linked to its page).
   */
  note: 'not tracked' | 'fabric default' | 'built in' | null;
  /** The tooltip of the missing badge. */
  title: string | null;
}

const key = (scope: RefScope, kind: string, name: string) => `${scope.fabricId}|${scope.namespace}|${kind}|${name}`;

/**
 * Resolves every name of every scope in one query (two when a fabric default is named and not
 * found): returns a function that gives each ref of a scope its resolution.
 */
export async function resolveRefs(
  wanted: { scope: RefScope; refs: readonly RecordRef[] }[],
): Promise<(scope: RefScope, ref: RecordRef) => ResolvedRef> {
  const unique = new Map<string, { scope: RefScope; kind: string; name: string }>();
  for (const { scope, refs } of wanted)
    for (const r of refs) if (kindByName(r.kind)) unique.set(key(scope, r.kind, r.name), { scope, ...r });
  const targets = [...unique.values()];
  const found = new Map<string, number>();
  if (targets.length) {
    // The unique index (fabricId, kind, namespace, name) answers each pair.
    const rows = await queryRows<{ id: number; fabricId: number; namespace: string; kind: string; name: string }>(
      Prisma.sql`
        SELECT r.id, r."fabricId", r.namespace, r.kind, r.name FROM "CrdRecord" r
        JOIN unnest(${targets.map((t) => t.scope.fabricId)}::int[], ${targets.map((t) => t.kind)}::text[],
          ${targets.map((t) => t.scope.namespace)}::text[], ${targets.map((t) => t.name)}::text[]) AS t(f, k, ns, n)
          ON r."fabricId" = t.f AND r.kind = t.k AND r.namespace = t.ns AND r.name = t.n`,
    );
    for (const r of rows) found.set(`${r.fabricId}|${r.namespace}|${r.kind}|${r.name}`, r.id);
  }
  // A fabric default not found is fine while the fabric defines no record of its kind (as the warnings judge it).
  const defaults = targets.filter(
    (t) => kindByName(t.kind)!.fabricDefault === t.name && !found.has(key(t.scope, t.kind, t.name)),
  );
  const kindsDefined = new Set<string>();
  if (defaults.length) {
    const pairs = [...new Map(defaults.map((t) => [`${t.scope.fabricId}|${t.kind}`, t])).values()];
    const rows = await queryRows<{ f: number; k: string }>(Prisma.sql`
      SELECT t.f, t.k FROM unnest(${pairs.map((t) => t.scope.fabricId)}::int[], ${pairs.map((t) => t.kind)}::text[]) AS t(f, k)
      WHERE EXISTS (SELECT 1 FROM "CrdRecord" r WHERE r.kind = t.k AND r."fabricId" = t.f)`);
    for (const r of rows) kindsDefined.add(`${r.f}|${r.k}`);
  }
  return (scope, ref) => {
    const label = ref.label ?? ref.name;
    const base = { kind: ref.kind, name: ref.name, label, href: null, missing: false, note: null, title: null };
    const target = kindByName(ref.kind);
    if (!target) return { ...base, note: 'not tracked' };
    const id = found.get(key(scope, ref.kind, ref.name));
    if (id !== undefined) return { ...base, href: `/crds/${target.slug}/${id}` };
    // A name of the fabric's built-in catalogue (a SwitchProfile): its catalogue page.
    if (findBuiltin(target, ref.name)) return { ...base, href: builtinHref(target, ref.name), note: 'built in' };
    if (target.unresolvedReferencesAccepted) return { ...base, note: 'not tracked' };
    if (target.fabricDefault === ref.name && !kindsDefined.has(`${scope.fabricId}|${ref.kind}`))
      return { ...base, note: 'fabric default' };
    return { ...base, missing: true, title: `No ${ref.kind} named ${ref.name} in fabric ${scope.fabricName}` };
  };
}
