import type { z } from 'zod';

export const CATEGORIES = ['VPC API', 'Wiring API'] as const;
export type Category = (typeof CATEGORIES)[number];

/** A spec as stored: the parsed YAML mapping, unknown fields included. */
// Specs are open-ended JSON (the API grows every month), so column and panel code reads them defensively.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Spec = Record<string, any>;

/** One problem in a document; `path` is relative to the document root, e.g. ['spec','subnets','default','vlan']. */
export interface Issue {
  path: (string | number)[];
  message: string;
}

/** A list column computed from the spec. `sortSql` is a constant PostgreSQL expression over the jsonb column `spec`. */
export interface ColumnDef {
  key: string;
  label: string;
  value(spec: Spec): string | number | null;
  sortSql?: string;
}

/**
 * A list filter. `sql` is a constant PostgreSQL text expression over the jsonb column `spec`;
 * the list page compares it to the chosen value (`<sql> = $1`).
 */
export interface FilterDef {
  key: string;
  label: string;
  sql: string;
  choices?: string[];
}

/**
 * An outgoing reference by name (always in the same namespace). `kind` may name a kind outside
 * the catalogue (SwitchProfile, ServerProfile, Gateway); `defaulted` marks a value the fabric fills in.
 */
export interface Reference {
  kind: string;
  name: string;
  field: string;
  subnet?: string;
  defaulted?: boolean;
}

export type PanelValue = string | number | boolean | null;

/** Structured detail-page data: a titled table. */
export interface Panel {
  key: string;
  title: string;
  columns: { key: string; label: string }[];
  rows: Record<string, PanelValue>[];
}

export interface KindDef {
  kind: string;
  group: 'vpc.githedgehog.com' | 'wiring.githedgehog.com';
  version: 'v1beta1';
  apiVersion: string;
  plural: string;
  slug: string;
  shortNames: string[];
  label: string;
  labelPlural: string;
  category: Category;
  /** Only ExternalAttachment requires `spec`; the others treat an absent spec as {}. */
  specRequired: boolean;
  /** VPC, IPv4Namespace and External become VRF names, so the fabric caps them at 11 characters. */
  maxNameLength?: number;
  /** Structural schema of the spec (loose objects: unknown fields are kept). Built once at module load. */
  specSchema: z.ZodType;
  /** Document-local rules that are errors but not expressible in the schema; runs only on a spec that passed it. */
  checkSpec?(spec: Spec): Issue[];
  /** Document-local rules the live fabric enforces; reported as warnings. Runs only on valid specs. */
  lint?(spec: Spec): Issue[];
  columns: ColumnDef[];
  filters: FilterDef[];
  references(spec: Spec): Reference[];
  panels?(spec: Spec): Panel[];
}
