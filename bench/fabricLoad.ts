// Loads a synthetic fabric straight into the database, as a first sync of it would write it.

import { kindByName } from '../src/crds';
import { crossValidate } from '../src/crds/validate';
import { db } from '../src/db';
import { applyPlan, inTransaction } from '../src/sync/apply';
import { contentHash } from '../src/sync/read/hash';
import type { DesiredRecord } from '../src/sync/plan';
import { generateFabric, layoutFiles, type GeneratedDoc } from './fabricGen';

/** Loads the fabric's records the way a first sync writes them (one transaction, set-based). */
export async function loadFabric(total: number | GeneratedDoc[], name = 'bench-web'): Promise<{ fabricId: number }> {
  const docs = typeof total === 'number' ? generateFabric(total) : total;
  // The multi-document layout gives each record a realistic source path and line.
  const paths = new Map<string, string>();
  for (const [path, text] of layoutFiles(docs, 'multi-document'))
    for (const m of text.matchAll(/^kind: (\w+)\nmetadata:\n {2}name: (\S+)$/gm)) paths.set(`${m[1]}/${m[2]}`, path);
  const desired: DesiredRecord[] = docs.map((d, i) => {
    const value = {
      kind: d.kind,
      apiVersion: d.value.apiVersion,
      namespace: 'default',
      name: d.name,
      spec: d.value.spec,
      labels: {},
      annotations: {},
    };
    return {
      ...value,
      key: `${d.kind}/default/${d.name}`,
      path: `fabric/${paths.get(`${d.kind}/${d.name}`) ?? 'unknown.yaml'}`,
      line: 1 + (i % 400) * 20,
      contentHash: contentHash(value),
      refs: [
        ...new Set(
          kindByName(d.kind)!
            .references(d.value.spec)
            .map((r) => `${r.kind}/${r.name}`),
        ),
      ],
      warnings: [],
    };
  });
  const warnings = crossValidate(desired);
  for (const d of desired) d.warnings = (warnings.get(d.key) ?? []).map((w) => ({ line: d.line, message: w.message }));
  const repository = await db().gitRepository.create({
    data: { name, url: `https://git.example.com/bench/${name}.git`, authType: 'none' },
  });
  const fabric = await db().fabric.create({
    data: { name, repositoryId: repository.id, gitopsDirectory: 'fabric/' },
  });
  const commit = 'b'.repeat(40);
  const syncRun = await db().syncRun.create({
    data: {
      fabricId: fabric.id,
      status: 'succeeded',
      stage: 'done',
      commitSha: commit,
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
  await inTransaction(async (tx) => {
    await applyPlan(tx, {
      fabricId: fabric.id,
      syncRunId: syncRun.id,
      commit,
      actorLabel: `sync run #${syncRun.id} (bench)`,
      userId: null,
      plan: { create: desired, update: [], unchanged: [], delete: [], kept: [] },
    });
    await tx.prisma.fabric.update({
      where: { id: fabric.id },
      data: { syncStatus: 'in_sync', lastSyncedAt: new Date(), lastSyncedCommit: commit },
    });
  });
  // What autovacuum does shortly after a large sync: statistics, and the visibility map that
  // lets a count read the index alone.
  await db().$executeRawUnsafe('VACUUM ANALYZE "CrdRecord"');
  await db().$executeRawUnsafe('VACUUM ANALYZE "ChangeRecord"');
  return { fabricId: fabric.id };
}
