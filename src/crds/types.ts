import type { z } from 'zod';
import type { FabricConfig } from './fabricConfig';

/** A spec as stored: the parsed YAML mapping, unknown fields included. */
// Specs are open-ended JSON (the API grows every month), so column and panel code reads them defensively.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Spec = Record<string, any>;

/** One problem in a document; `path` is relative to the document root, e.g. ['spec','subnets','default','vlan']. */
export interface Issue {
  path: (string | number)[];
  message: string;
}

/**
 * A list column computed from the spec. `sortSql` is a constant PostgreSQL expression over the
 * jsonb column `spec`: the list sorts by it and, when the column has a `filter`, narrows to
 * records whose expression equals the chosen value.
 */
export interface ColumnDef {
  key: string;
  label: string;
  /** Records the column names are `RecordRef`s: the pages link them (lists and panels alike). */
  value(spec: Spec): string | number | null | RecordRef[];
  sortSql?: string;
  /** The list can be narrowed by this column: `choices` make a select; `orElse` stands for a null expression. */
  filter?: { choices?: readonly string[]; orElse?: string };
}

/** A list filter, derived from a column with a `filter`: the list page compares `sql` to the chosen value (`<sql> = $1`). */
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

/**
 * A value naming another record of the same fabric and namespace, one of the record's references
 * (`references`): the list cell and the panel link it to that record, or mark it missing.
 * `label` is what the page shows when it is not the name (`ext.peer` for External `peer`,
 * `server-1/eth0` for the other end of a link).
 */
export interface RecordRef {
  kind: string;
  name: string;
  label?: string;
}

export type PanelValue = string | number | boolean | null | RecordRef[];

/**
 * An entry the fabric has built in (the SwitchProfile catalogue): part of the catalogue, not a
 * record of any fabric. Its kind's list shows it ahead of the records, with a page of its own.
 */
export interface BuiltinEntry {
  name: string;
  spec: Spec;
  /** What the fabric's `Default()` adds. */
  annotations: Record<string, string>;
  /** When the fabric has it, in words (`in every fabric configuration`). */
  availability: string;
}

/** Structured detail-page data: a titled table. */
export interface Panel {
  key: string;
  title: string;
  columns: { key: string; label: string }[];
  rows: Record<string, PanelValue>[];
}

/** What a per-object rule may read besides the spec. */
export interface ObjectInfo {
  name: string;
  annotations: Record<string, unknown>;
}

/** A record as cross-record rules see it. */
export interface CrossRecord {
  kind: string;
  namespace: string;
  name: string;
  spec: Spec;
  /** Its identity key when the caller already has it (a sync's records do): `${kind}/${namespace}/${name}`. */
  key?: string;
}

/** A record with its identity key (`${kind}/${namespace}/${name}`), the key its warnings go under. */
export interface Indexed {
  key: string;
  record: CrossRecord;
}

/** What a kind's cross-record rules get: the fabric's records indexed once, and where warnings go. */
export interface CrossContext {
  /** The record of this kind and name in the namespace; the first definition when there are duplicates. */
  find(kind: string, namespace: string, name: string): Indexed | undefined;
  /** Every record of a kind (first definitions only), e.g. the Gateways whose IPs a Switch must not reuse. */
  all(kind: string): Indexed[];
  /** The fabric's configuration (a Fabricator document, else the fabric's settings). */
  config: FabricConfig;
  /** Adds a warning to the record with this key; the message gets the rendered path as its prefix. */
  warn(key: string, path: (string | number)[], message: string): void;
}

/** One record pointing at another, as the record page shows it beside the referenced record. */
export interface IncomingRecord {
  id: number;
  kind: string;
  name: string;
  spec: Spec;
}

/** A port of a device and the Connection that uses it (the Switch and Server pages). */
export interface PortConnection {
  port: string;
  connectionId: number;
  /** The URL slug of the Connection kind, for the link to it. */
  connectionSlug: string;
  connection: string;
  type: string | null;
  peers: string;
  /** The other end of the port's link: the device and port on each other side. */
  otherEnds: RecordRef[];
}

/** A kind as its file declares it; `defineKind` adds what derives from it (apiVersion, slug, category). */
export interface KindSource {
  kind: string;
  /** The API group, e.g. `vpc.githedgehog.com`; its first label names the kind's category (`VPC API`). */
  group: string;
  version: string;
  /** Lower-case plural, as kubectl names it; also the URL slug. */
  plural: string;
  shortNames: string[];
  label: string;
  labelPlural: string;
  /** Only ExternalAttachment requires `spec`; the others treat an absent spec as {}. */
  specRequired: boolean;
  /** VPC, IPv4Namespace and External become VRF names, so the fabric caps them at 11 characters. */
  maxNameLength?: number;
  /** Structural schema of the spec (loose objects: unknown fields are kept). Built once at module load. */
  specSchema: z.ZodType;
  /**
   * What the fabric's mutating webhook fills in (`Default()`), applied to a copy before the rules
   * run; the stored spec stays what git says. Runs only on a spec that passed the schema.
   */
  defaults?(spec: Spec): Spec;
  /**
   * The fabric's per-object rules (`Validate()` without other objects) that the schema cannot
   * express: errors. Runs on the defaulted spec of a document that passed the schema.
   */
  checkSpec?(spec: Spec, object: ObjectInfo): Issue[];
  /** Per-object rules that depend on the fabric's configuration: errors, run once the configuration is known. */
  checkConfig?(spec: Spec, config: FabricConfig, object: ObjectInfo): Issue[];
  /** Advice on one object that the fabric accepts (deprecations, fields hhfab fills in): warnings. */
  lint?(spec: Spec): Issue[];
  /** Rules on the name beyond `maxNameLength` (warnings at metadata.name). */
  lintName?(name: string): string[];
  /**
   * Rules the live fabric enforces across records (warnings), run once per fabric with every
   * record of this kind. Each pass must be a map lookup or a sort, never a scan per record.
   */
  crossCheck?(records: Indexed[], context: CrossContext): void;
  /** The name the fabric creates by itself: a reference to it is fine while the fabric defines no record of this kind. */
  fabricDefault?: string;
  /** The fabric never looks records of this kind up, so a reference to a missing one is no warning (ServerProfile). */
  unresolvedReferencesAccepted?: boolean;
  /** The fabric checks nothing else on this object (a deprecated MCLAG connection): its references to missing records are no warning. */
  referencesUnchecked?(spec: Spec): boolean;
  /** What is wrong with a reference that found its target of this kind (e.g. a VPC without the named subnet), or null. */
  checkReferenceTo?(target: Spec, ref: Reference): string | null;
  columns: ColumnDef[];
  references(spec: Spec): Reference[];
  panels?(spec: Spec): Panel[];
  /** Entries the fabric has built in (SwitchProfile): browsable beside the records, never stored. */
  builtins?(): readonly BuiltinEntry[];
  /** Detail relation: the record page's ports, from the Connections that reference this record. */
  portConnections?(name: string, incoming: IncomingRecord[]): PortConnection[];
}

/** A kind of the catalogue: its source plus what derives from it. */
export interface KindDef extends KindSource {
  /** `${group}/${version}` */
  apiVersion: string;
  /** The URL slug (`/crds/<slug>`): the plural. */
  slug: string;
  /** The API group's label (`VPC API`, `Wiring API`), under which the menu and the CRD index list the kind. */
  category: string;
  /** The list's filters: one per column with a `filter`. */
  filters: FilterDef[];
}

/** A CRD object's identity and content: what git says of it, and what a record keeps of it. */
export interface ObjectContent {
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
