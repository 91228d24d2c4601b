import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { KindDef, Spec } from '../../src/crds';
import { classify, validateDocument } from '../../src/crds/validate';
import { db, type CrdRecord, type Prisma } from '../../src/db';
import { countRecords } from '../../src/sync/apply';
import { expandDocuments, stripServerFields } from '../../src/gitops/documents';
import { parseYamlFile } from '../../src/gitops/parse';
import { FIXTURES, yamlFiles } from './fixtures';

export interface FixtureDocument {
  kind: KindDef;
  apiVersion: string;
  name: string;
  spec: Spec;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  path: string;
  line: number;
}

const SOURCES = ['seed-fabric-1/v2-e40d5442/gitops/hedgehog/fabric-1/raw', 'corpus/demo-gitops/master', 'corpus/docs'];

let cached: FixtureDocument[] | undefined;

/** The valid documents of the catalogue's kinds in the real Hedgehog fixtures, first of each (kind, name), parsed the way a sync does. */
export function fixtureDocuments(): FixtureDocument[] {
  if (cached) return cached;
  const seen = new Map<string, FixtureDocument>();
  const files = [
    ...SOURCES.flatMap((s) => yamlFiles(join(FIXTURES, s))),
    // Kinds the shared fixtures hold no valid sample of (gateway kinds, ServerProfile).
    ...yamlFiles(fileURLToPath(new URL('../fixtures/kinds', import.meta.url))),
  ];
  for (const file of files) {
    const parsed = parseYamlFile(readFileSync(file));
    for (const doc of expandDocuments(parsed.documents)) {
      const value = stripServerFields(doc.value) as Record<string, unknown>;
      const c = classify(value);
      if (c.type !== 'kind') continue;
      const check = validateDocument(value, c.kind);
      const key = `${c.kind.kind}/${check.name}`;
      if (check.errors.length || seen.has(key)) continue;
      const meta = value.metadata as { labels?: Record<string, string>; annotations?: Record<string, string> };
      seen.set(key, {
        kind: c.kind,
        apiVersion: String(value.apiVersion),
        name: check.name,
        spec: check.spec,
        labels: meta.labels ?? {},
        annotations: meta.annotations ?? {},
        path: relative(FIXTURES, file),
        line: doc.line,
      });
    }
  }
  cached = [...seen.values()];
  return cached;
}

/** The row a sync would store for a document (refs computed by the catalogue). */
export function recordData(
  fabricId: number,
  d: FixtureDocument,
  overrides: Partial<Prisma.CrdRecordCreateManyInput> = {},
): Prisma.CrdRecordCreateManyInput {
  return {
    fabricId,
    kind: d.kind.kind,
    apiVersion: d.apiVersion,
    namespace: 'default',
    name: d.name,
    spec: d.spec as Prisma.InputJsonValue,
    labels: d.labels,
    annotations: d.annotations,
    sourcePath: d.path,
    sourceLine: d.line,
    sourceCommit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    contentHash: `${d.kind.kind}/${d.name}`,
    refs: [...new Set(d.kind.references(d.spec).map((r) => `${r.kind}/${r.name}`))],
    ...overrides,
  };
}

/** Inserts records straight into the table, as a sync would leave them, and returns them. */
export async function seedRecords(rows: Prisma.CrdRecordCreateManyInput[]): Promise<CrdRecord[]> {
  const fabricIds = [...new Set(rows.map((r) => r.fabricId))];
  // As a sync writes records: with their fabrics' counts, in one transaction.
  await db().$transaction(async (tx) => {
    await tx.crdRecord.createMany({ data: rows });
    for (const id of fabricIds) await countRecords(tx, id);
  });
  return db().crdRecord.findMany({
    where: { fabricId: { in: fabricIds }, OR: rows.map((r) => ({ fabricId: r.fabricId, kind: r.kind, name: r.name })) },
    orderBy: { id: 'asc' },
  });
}
