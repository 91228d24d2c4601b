// Helpers for the kinds' cross-record rules (`crossCheck` on a kind definition); the engine that
// runs them is ./warnings.ts.
import { dotted } from './spec';
import type { CrossContext } from './types';

/** The identity key used for warnings: `${kind}/${namespace}/${name}`. */
export function identityKey(r: { kind: string; namespace: string; name: string }): string {
  return `${r.kind}/${r.namespace}/${r.name}`;
}

export const MAX_NAMED_OTHERS = 3;

/** `"a", "b", "c" and 2 more`. */
export function listOthers(names: string[]): string {
  const shown = names
    .slice(0, MAX_NAMED_OTHERS)
    .map((n) => `"${n}"`)
    .join(', ');
  return names.length > MAX_NAMED_OTHERS ? `${shown} and ${names.length - MAX_NAMED_OTHERS} more` : shown;
}

interface Owner {
  key: string;
  /** How the owner is named to the others, e.g. `Switch "leaf-1"`. */
  name: string;
  path: (string | number)[];
  /** What is claimed, e.g. `ASN 65101`. */
  label: string;
  /** Holds the value (the others are warned) but is not warned itself, as the fabric exempts it (an MCLAG peer's ASN). */
  exempt?: boolean;
}

/** Values the fabric requires to be unique (link IPs, ASNs): claim each, then warn every owner of a shared one. */
export class UniqueValues {
  // A value's one owner as itself, a list only once a second one claims it (almost every value has one).
  private readonly owners = new Map<string, Owner | Owner[]>();

  claim(set: string, value: string, owner: Owner): void {
    const id = `${set}|${value}`;
    const seen = this.owners.get(id);
    if (!seen) this.owners.set(id, owner);
    else if (Array.isArray(seen)) seen.push(owner);
    else this.owners.set(id, [seen, owner]);
  }

  warnShared(context: CrossContext): void {
    for (const list of this.owners.values()) {
      if (!Array.isArray(list)) continue;
      for (const owner of list) {
        if (owner.exempt) continue;
        const others = [
          ...new Set(
            // Another field of the same record is named by its path (links[1].leaf.ip), not as the record.
            list
              .filter((o) => o !== owner)
              .map((o) => (o.key === owner.key ? `${dotted(o.path)} of this object` : o.name)),
          ),
        ];
        context.warn(
          owner.key,
          owner.path,
          `${owner.label} is also used by ${others.slice(0, MAX_NAMED_OTHERS).join(', ')}${others.length > MAX_NAMED_OTHERS ? ` and ${others.length - MAX_NAMED_OTHERS} more` : ''}`,
        );
      }
    }
  }
}
