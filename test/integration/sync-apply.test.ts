import { describe, expect, it } from 'vitest';
import { bulkTransaction, db, Prisma } from '../../src/db';
import { applyPlan, inTransaction } from '../../src/sync/apply';
import { plan, type DesiredRecord } from '../../src/sync/plan';
import { useTestEnvironment } from '../helpers/env';
import { buildFabric, buildSyncRun } from '../helpers/factories';

await useTestEnvironment();

const desired = (name: string, over: Partial<DesiredRecord> = {}): DesiredRecord => ({
  key: `VPC/default/${name}`,
  kind: 'VPC',
  apiVersion: 'vpc.githedgehog.com/v1beta1',
  namespace: 'default',
  name,
  // Quotes, backslashes, unicode and nesting: the rows travel as one JSON text.
  spec: {
    subnets: { 'sub-1': { subnet: '10.0.1.0/24', vlan: 1001, dhcp: { enable: true } } },
    note: 'a "quoted" \\ é ✓',
    list: [1, 'two', null],
  },
  labels: { team: 'net' },
  annotations: { 'example.com/a': 'x,y' },
  path: 'vpcs.yaml',
  line: 3,
  contentHash: `hash-${name}`,
  refs: ['IPv4Namespace/default', 'VLANNamespace/default'],
  warnings: [],
  ...over,
});

async function apply(fabricId: number, records: DesiredRecord[]) {
  const run = await buildSyncRun({ fabricId });
  const stored = await db().crdRecord.findMany({ where: { fabricId } });
  const thePlan = plan({
    stored: stored.map((s) => ({
      ...s,
      key: `${s.kind}/${s.namespace}/${s.name}`,
      validationState: s.validationState as 'valid' | 'warning',
    })),
    desired: records,
    heldKeys: new Set(),
    failedPaths: new Set(),
    prune: true,
  });
  const result = await inTransaction((tx) =>
    applyPlan(tx, {
      fabricId,
      syncRunId: run.id,
      commit: 'c'.repeat(40),
      actorLabel: `sync run #${run.id}`,
      userId: null,
      plan: thePlan,
    }),
  );
  return { run, result };
}

describe('applyPlan', () => {
  it('writes every column of created records and one create change record each, with the content after', async () => {
    const fabric = await buildFabric();
    const records = [
      desired('vpc-1'),
      desired('vpc-2', { warnings: [{ line: 7, message: 'IPv4Namespace "x" is not defined' }], refs: [] }),
    ];
    const { run, result } = await apply(fabric.id, records);
    expect(result).toEqual({ countsByKind: { VPC: 2 }, total: 2 });
    const rows = await db().crdRecord.findMany({ where: { fabricId: fabric.id }, orderBy: { name: 'asc' } });
    expect(rows.map((r) => ({ ...r, id: 0, createdAt: 0, updatedAt: 0, syncedAt: 0 }))).toEqual(
      records.map((d) => ({
        id: 0,
        fabricId: fabric.id,
        kind: d.kind,
        apiVersion: d.apiVersion,
        namespace: d.namespace,
        name: d.name,
        spec: d.spec,
        labels: d.labels,
        annotations: d.annotations,
        sourcePath: d.path,
        sourceLine: d.line,
        sourceCommit: 'c'.repeat(40),
        contentHash: d.contentHash,
        validationState: d.warnings.length ? 'warning' : 'valid',
        validationMessages: d.warnings,
        refs: d.refs,
        createdAt: 0,
        updatedAt: 0,
        syncedAt: 0,
      })),
    );
    const changes = await db().changeRecord.findMany({ where: { syncRunId: run.id }, orderBy: { objectLabel: 'asc' } });
    expect(
      changes.map((c) => ({
        action: c.action,
        objectType: c.objectType,
        objectId: c.objectId,
        objectLabel: c.objectLabel,
        fabricId: c.fabricId,
        before: c.before,
        after: c.after,
        actorLabel: c.actorLabel,
      })),
    ).toEqual(
      rows.map((r) => ({
        action: 'create',
        objectType: 'VPC',
        objectId: r.id,
        objectLabel: `default/${r.name}`,
        fabricId: fabric.id,
        before: null,
        after: { apiVersion: r.apiVersion, spec: r.spec, labels: r.labels, annotations: r.annotations },
        actorLabel: `sync run #${run.id}`,
      })),
    );
  });

  it('updates in place with a before/after change record, and creates only what is new', async () => {
    const fabric = await buildFabric();
    await apply(fabric.id, [desired('vpc-1')]);
    const before = await db().crdRecord.findFirstOrThrow({ where: { fabricId: fabric.id, name: 'vpc-1' } });
    const changed = desired('vpc-1', { spec: { subnets: {} }, contentHash: 'hash-changed' });
    const { run } = await apply(fabric.id, [changed, desired('vpc-3')]);
    const after = await db().crdRecord.findFirstOrThrow({ where: { fabricId: fabric.id, name: 'vpc-1' } });
    expect(after.id).toBe(before.id);
    expect(after.spec).toEqual({ subnets: {} });
    const changes = await db().changeRecord.findMany({ where: { syncRunId: run.id }, orderBy: { id: 'asc' } });
    expect(changes.map((c) => [c.action, c.objectLabel])).toEqual([
      ['update', 'default/vpc-1'],
      ['create', 'default/vpc-3'],
    ]);
    expect(changes[0]!.before).toMatchObject({ spec: before.spec });
    expect(changes[0]!.after).toMatchObject({ spec: { subnets: {} } });
  });
});

// The apply's statements go to the transaction's own connection through node-postgres
// (bulkTransaction): they must be inside the transaction, see its Prisma writes, and roll back with it.
describe('bulkTransaction', () => {
  const nameOf = async (id: number) => (await db().fabric.findUniqueOrThrow({ where: { id } })).name;

  it('runs direct statements in the transaction: they see its Prisma writes and are rolled back with it', async () => {
    const fabric = await buildFabric({ name: 'bulk-a' });
    await expect(
      bulkTransaction(async (tx) => {
        await tx.prisma.fabric.update({ where: { id: fabric.id }, data: { name: 'bulk-a-prisma' } });
        // Matches only if this statement sees the uncommitted Prisma write.
        const touched = await tx.execute(
          Prisma.sql`UPDATE "Fabric" SET name = 'bulk-a-direct' WHERE id = ${fabric.id} AND name = 'bulk-a-prisma'`,
        );
        expect(touched).toBe(1);
        expect((await tx.prisma.fabric.findUniqueOrThrow({ where: { id: fabric.id } })).name).toBe('bulk-a-direct');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await nameOf(fabric.id)).toBe('bulk-a');
  });

  it('commits direct statements with the transaction, each concurrent transaction on its own connection', async () => {
    const fabrics = await Promise.all(['bulk-b', 'bulk-c', 'bulk-d'].map((name) => buildFabric({ name })));
    const pids = await Promise.all(
      fabrics.map((f) =>
        bulkTransaction(async (tx) => {
          await tx.execute(Prisma.sql`UPDATE "Fabric" SET name = name || '-done' WHERE id = ${f.id}`);
          // Both held at once: three transactions in flight.
          await new Promise((resolve) => setTimeout(resolve, 50));
          const [row] = await tx.prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
          return row!.pid;
        }),
      ),
    );
    expect(new Set(pids).size).toBe(3);
    expect(await Promise.all(fabrics.map((f) => nameOf(f.id)))).toEqual(['bulk-b-done', 'bulk-c-done', 'bulk-d-done']);
  });
});
