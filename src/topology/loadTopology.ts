// A fabric's topology, read once per version of its records (src/records/recordsVersion.ts) and
// kept: building it reads every Switch, Server and Connection of the fabric, and the page, the
// API and the exports are asked for far more often than the fabric syncs.

import { LruCache } from '../cache';
import type { Spec } from '../crds';
import { text } from '../crds/spec';
import { Prisma, queryRows } from '../db';
import { recordsVersion } from '../records/recordsVersion';
import { exportTopology, type ExportFormat } from './exports';
import { buildTopology, type Topology, type TopologyNode } from './model';

export interface FabricTopology {
  /** The version of the records it was built from: the key of whatever is kept from it. */
  version: string;
  topology: Topology;
  /** VPC name -> the connections its attachments name. */
  vpcConnections: Map<string, string[]>;
  /** Every VPC of the fabric, by name. */
  vpcs: string[];
  /** Defined switches and servers, links, nodes with warnings; and the nodes referenced but not defined. */
  counts: { switches: number; servers: number; links: number; warnings: number };
  missing: TopologyNode[];
  /** The JSON and the exports, written and encoded once: a large fabric's take longer than its picture. */
  texts: Map<ExportFormat | 'json', Buffer>;
}

/** The topology as JSON or in an export format (UTF-8), kept with it. */
export function topologyText(data: FabricTopology, format: ExportFormat | 'json'): Buffer {
  let text = data.texts.get(format);
  if (text === undefined) {
    text = Buffer.from(format === 'json' ? JSON.stringify(data.topology) : exportTopology(data.topology, format));
    data.texts.set(format, text);
  }
  return text;
}

const KINDS = ['Switch', 'Server', 'Connection', 'External', 'ExternalAttachment', 'Gateway', 'VPC', 'VPCAttachment'];
const kept = new LruCache<Promise<FabricTopology>>(4);

async function build(fabricId: number, version: string): Promise<FabricTopology> {
  // Only the fields the topology reads leave the database: parsing the specs of every server
  // and attachment of a large fabric costs more than the rest of the build.
  const rows = await queryRows<{
    id: number;
    kind: string;
    name: string;
    spec: Spec;
    validationState: string;
    validationMessages: { message: string }[];
  }>(Prisma.sql`
    SELECT id, kind, name,
      CASE kind
        WHEN 'Connection' THEN spec
        WHEN 'Switch' THEN jsonb_build_object('role', spec -> 'role', 'redundancy', spec -> 'redundancy')
        WHEN 'VPCAttachment' THEN jsonb_build_object('subnet', spec -> 'subnet', 'connection', spec -> 'connection')
        WHEN 'ExternalAttachment' THEN jsonb_build_object('external', spec -> 'external', 'connection', spec -> 'connection')
        ELSE '{}'::jsonb END AS spec,
      "validationState"::text AS "validationState",
      CASE WHEN kind IN ('VPC', 'VPCAttachment', 'ExternalAttachment') THEN '[]'::jsonb ELSE "validationMessages" END AS "validationMessages"
    FROM "CrdRecord" WHERE "fabricId" = ${fabricId} AND kind = ANY(${KINDS}::text[])
    ORDER BY kind, name`);
  const vpcConnections = new Map<string, string[]>();
  const vpcs: string[] = [];
  for (const r of rows) {
    if (r.kind === 'VPC') vpcs.push(r.name);
    if (r.kind !== 'VPCAttachment') continue;
    const vpc = text(r.spec.subnet)?.split('/')[0];
    const connection = text(r.spec.connection);
    if (!vpc || !connection) continue;
    const list = vpcConnections.get(vpc);
    if (list) list.push(connection);
    else vpcConnections.set(vpc, [connection]);
  }
  const topology = buildTopology(
    rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      spec: r.spec,
      validationState: r.validationState,
      messages: (r.validationMessages ?? []).map((m) => m.message),
    })),
  );
  const counts = { switches: 0, servers: 0, links: topology.links.length, warnings: 0 };
  const missing: TopologyNode[] = [];
  for (const n of topology.nodes) {
    if (n.validation.state === 'missing') missing.push(n);
    else if (n.kind === 'Switch') counts.switches++;
    else if (n.kind === 'Server') counts.servers++;
    if (n.validation.state === 'warning') counts.warnings++;
  }
  return { version, topology, vpcConnections, vpcs, counts, missing, texts: new Map() };
}

/** The topology of the fabric's current records. */
export async function loadTopology(fabricId: number): Promise<FabricTopology> {
  const version = await recordsVersion(fabricId);
  const key = `${fabricId}|${version}`;
  let entry = kept.get(key);
  if (!entry) {
    entry = build(fabricId, version);
    kept.set(key, entry);
    entry.catch(() => kept.delete(key));
  }
  return entry;
}
