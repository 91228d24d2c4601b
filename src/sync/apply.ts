import { bulkTransaction, Prisma, type BulkTx } from '../db';
import type { DesiredRecord, Plan } from './plan';

// Every statement is set-based (unnest of column arrays, or ids = ANY): the number of queries
// depends on the number of chunks, never on the number of records.

// Statements go to the transaction's connection through node-postgres (bulkTransaction), a
// thousand records (~1 MB of JSON) at a time: the server's memory per statement stays small.
const CHUNK = 1000;

export interface ApplyProps {
  fabricId: number;
  syncRunId: number;
  commit: string;
  actorLabel: string;
  userId: number | null;
  plan: Plan;
}

export interface ApplyResult {
  countsByKind: Record<string, number>;
  total: number;
}

type Tx = BulkTx;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const snapshot = Prisma.sql`jsonb_build_object('apiVersion', r."apiVersion", 'spec', r.spec, 'labels', r.labels, 'annotations', r.annotations)`;

/** The change records of the rows about to be updated, with their content before. */
async function recordUpdatesBefore(tx: Tx, p: ApplyProps, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await tx.execute(Prisma.sql`
    INSERT INTO "ChangeRecord" ("time", "userId", "actorLabel", "syncRunId", "action", "objectType", "objectId", "objectLabel", "fabricId", "before")
    SELECT now(), ${p.userId}, ${p.actorLabel}, ${p.syncRunId}, 'update'::"ChangeAction", r.kind, r.id, r.namespace || '/' || r.name, r."fabricId", ${snapshot}
    FROM "CrdRecord" r WHERE r.id = ANY(${ids}::int[])`);
}

/**
 * Inserts or updates, and writes the change record of each row inserted (xmax = 0 only on a
 * fresh insert) in the same statement. A chunk travels as one JSON text: Prisma and pg spent
 * more CPU converting thirteen arrays of thousands of strings than PostgreSQL spent inserting.
 */
async function upsert(tx: Tx, p: ApplyProps, records: DesiredRecord[]): Promise<void> {
  for (const chunk of chunks(records)) {
    const rows = JSON.stringify(
      chunk.map((r) => ({
        kind: r.kind,
        api: r.apiVersion,
        ns: r.namespace,
        name: r.name,
        spec: r.spec,
        labels: r.labels,
        ann: r.annotations,
        path: r.path,
        line: r.line,
        hash: r.contentHash,
        state: r.warnings.length ? 'warning' : 'valid',
        messages: r.warnings,
        refs: r.refs,
      })),
    );
    await tx.execute(Prisma.sql`
      WITH r AS (
        INSERT INTO "CrdRecord" ("fabricId", "kind", "apiVersion", "namespace", "name", "spec", "labels", "annotations", "sourcePath", "sourceLine",
          "sourceCommit", "contentHash", "validationState", "validationMessages", "refs", "createdAt", "updatedAt", "syncedAt")
        SELECT ${p.fabricId}, t.kind, t.api, t.ns, t.name, t.spec, t.labels, t.ann, t.path, t.line,
          ${p.commit}, t.hash, t.state::"ValidationState", t.messages, ARRAY(SELECT jsonb_array_elements_text(t.refs)), now(), now(), now()
        FROM jsonb_to_recordset(${rows}::jsonb)
          AS t(kind text, api text, ns text, name text, spec jsonb, labels jsonb, ann jsonb, path text, line int, hash text, state text, messages jsonb, refs jsonb)
        ON CONFLICT ("fabricId", "kind", "namespace", "name") DO UPDATE SET
          "apiVersion" = EXCLUDED."apiVersion", "spec" = EXCLUDED."spec", "labels" = EXCLUDED."labels", "annotations" = EXCLUDED."annotations",
          "sourcePath" = EXCLUDED."sourcePath", "sourceLine" = EXCLUDED."sourceLine", "sourceCommit" = EXCLUDED."sourceCommit",
          "contentHash" = EXCLUDED."contentHash", "validationState" = EXCLUDED."validationState", "validationMessages" = EXCLUDED."validationMessages",
          "refs" = EXCLUDED."refs", "updatedAt" = now(), "syncedAt" = now()
        RETURNING *, (xmax = 0) AS inserted)
      INSERT INTO "ChangeRecord" ("time", "userId", "actorLabel", "syncRunId", "action", "objectType", "objectId", "objectLabel", "fabricId", "after")
      SELECT now(), ${p.userId}, ${p.actorLabel}, ${p.syncRunId}, 'create'::"ChangeAction", r.kind, r.id, r.namespace || '/' || r.name, r."fabricId", ${snapshot}
      FROM r WHERE r.inserted`);
  }
}

/** Records whose content is the same but whose file, line or warnings moved. */
async function touch(tx: Tx, p: ApplyProps, items: Plan['unchanged']): Promise<void> {
  for (const chunk of chunks(items.filter((u) => u.touch))) {
    await tx.execute(Prisma.sql`
      UPDATE "CrdRecord" r SET "sourcePath" = t.path, "sourceLine" = t.line, "sourceCommit" = ${p.commit},
        "validationState" = t.state::"ValidationState", "validationMessages" = t.messages::jsonb, "syncedAt" = now()
      FROM unnest(${chunk.map((u) => u.stored.id)}::int[], ${chunk.map((u) => u.desired.path)}::text[], ${chunk.map((u) => u.desired.line)}::int[],
        ${chunk.map((u) => (u.desired.warnings.length ? 'warning' : 'valid'))}::text[], ${chunk.map((u) => JSON.stringify(u.desired.warnings))}::text[])
        AS t(id, path, line, state, messages)
      WHERE r.id = t.id`);
  }
}

async function remove(tx: Tx, p: ApplyProps, ids: number[]): Promise<void> {
  for (const chunk of chunks(ids)) {
    await tx.execute(Prisma.sql`
      WITH r AS (DELETE FROM "CrdRecord" WHERE id = ANY(${chunk}::int[]) AND "fabricId" = ${p.fabricId} RETURNING *)
      INSERT INTO "ChangeRecord" ("time", "userId", "actorLabel", "syncRunId", "action", "objectType", "objectId", "objectLabel", "fabricId", "before")
      SELECT now(), ${p.userId}, ${p.actorLabel}, ${p.syncRunId}, 'delete'::"ChangeAction", r.kind, r.id, r.namespace || '/' || r.name, r."fabricId", ${snapshot} FROM r`);
  }
}

/**
 * Counts per kind, from the rows themselves (never from the run's arithmetic), written to the
 * fabric. Updating the fabric's row in the transaction that changed its records is also what
 * tells readers' caches that the records changed (src/records/recordsVersion.ts).
 */
export async function countRecords(tx: Prisma.TransactionClient, fabricId: number): Promise<ApplyResult> {
  const rows = await tx.$queryRaw<{ kind: string; n: number }[]>`
    SELECT kind, count(*)::int AS n FROM "CrdRecord" WHERE "fabricId" = ${fabricId} GROUP BY kind ORDER BY kind`;
  const countsByKind = Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  const total = rows.reduce((n, r) => n + r.n, 0);
  await tx.fabric.update({ where: { id: fabricId }, data: { cachedCrdCount: total, countsByKind } });
  return { countsByKind, total };
}

/**
 * Applies a plan in the caller's transaction: deletes, upserts, change records (before
 * snapshots are taken before the rows change) and the fabric's recomputed counts.
 */
export async function applyPlan(tx: Tx, p: ApplyProps): Promise<ApplyResult> {
  const updateIds = p.plan.update.map((u) => u.stored.id);
  await recordUpdatesBefore(tx, p, updateIds);
  await remove(
    tx,
    p,
    p.plan.delete.map((s) => s.id),
  );
  await upsert(tx, p, [...p.plan.create, ...p.plan.update.map((u) => u.desired)]);
  await touch(tx, p, p.plan.unchanged);
  if (updateIds.length) {
    await tx.execute(Prisma.sql`
      UPDATE "ChangeRecord" c SET "after" = ${snapshot} FROM "CrdRecord" r
      WHERE c."syncRunId" = ${p.syncRunId} AND c.action = 'update' AND c."objectId" = r.id AND r.id = ANY(${updateIds}::int[])`);
  }
  return countRecords(tx.prisma, p.fabricId);
}

/** Runs `fn` in one transaction long enough for a large fabric. */
export function inTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return bulkTransaction(fn, { timeout: 15 * 60_000, maxWait: 30_000 });
}
