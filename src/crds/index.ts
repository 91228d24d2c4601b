/** The catalogue of the managed CRD kinds (`catalogue.ts`: one line per kind) and how to find one. */
import { kinds } from './catalogue';
import type { KindDef } from './types';

export type {
  BuiltinEntry,
  ColumnDef,
  FilterDef,
  Issue,
  KindDef,
  ObjectContent,
  Panel,
  PanelValue,
  PortConnection,
  RecordRef,
  Reference,
  Spec,
} from './types';
export { isRefs, refsTo, valueText } from './refs';
export { connectionEndpoints, connectionType, CONNECTION_TYPES } from './kinds/connection';
export type { ConnectionType, Endpoint, EndpointSide } from './kinds/connection';

export { kinds };

/** The API groups' labels (`VPC API`, `Wiring API`), in the catalogue's order: the menu's and the CRD index's sections. */
export const CATEGORIES: string[] = [...new Set(kinds.map((k) => k.category))];

const byLookup = new Map<string, KindDef>();
const byName = new Map<string, KindDef>();
for (const k of kinds) {
  byName.set(k.kind, k);
  for (const key of [k.kind, k.plural, k.slug]) byLookup.set(key.toLowerCase(), k);
}

/** Finds a kind by its name, plural or URL slug, ignoring case (`VPC`, `vpcs`, `Connections`). */
export function findKind(nameOrPluralOrSlug: string): KindDef | undefined {
  return byLookup.get(nameOrPluralOrSlug.toLowerCase());
}

/** The kind with exactly this name (`VPC`, `Connection`). */
export function kindByName(kind: string): KindDef | undefined {
  return byName.get(kind);
}
