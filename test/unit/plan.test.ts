import { describe, expect, it } from 'vitest';
import { plan, type DesiredRecord, type StoredRecord } from '../../src/sync/plan';

const desired = (name: string, over: Partial<DesiredRecord> = {}): DesiredRecord => ({
  key: `VPC/default/${name}`,
  kind: 'VPC',
  apiVersion: 'vpc.githedgehog.com/v1beta1',
  namespace: 'default',
  name,
  spec: {},
  labels: {},
  annotations: {},
  path: 'a.yaml',
  line: 1,
  contentHash: `h-${name}`,
  refs: [],
  warnings: [],
  ...over,
});
const stored = (id: number, name: string, over: Partial<StoredRecord> = {}): StoredRecord => ({
  id,
  key: `VPC/default/${name}`,
  contentHash: `h-${name}`,
  sourcePath: 'a.yaml',
  sourceLine: 1,
  validationState: 'valid',
  validationMessages: [],
  ...over,
});
const base = { heldKeys: new Set<string>(), failedPaths: new Set<string>(), prune: true };

describe('plan', () => {
  it('sorts desired and stored into create, update, unchanged and delete by identity and hash', () => {
    const p = plan({
      ...base,
      stored: [stored(1, 'same'), stored(2, 'changed', { contentHash: 'old' }), stored(3, 'gone')],
      desired: [desired('same'), desired('changed'), desired('new')],
    });
    expect(p.create.map((d) => d.name)).toEqual(['new']);
    expect(p.update.map((u) => u.stored.id)).toEqual([2]);
    expect(p.unchanged.map((u) => [u.stored.id, u.touch])).toEqual([[1, false]]);
    expect(p.delete.map((s) => s.id)).toEqual([3]);
    expect(p.refused).toBeUndefined();
  });

  it('treats a moved file or new warnings as unchanged, only touched', () => {
    const p = plan({
      ...base,
      stored: [stored(1, 'a'), stored(2, 'b')],
      desired: [desired('a', { path: 'raw/a.yaml' }), desired('b', { warnings: [{ line: 1, message: 'w' }] })],
    });
    expect(p.unchanged.map((u) => u.touch)).toEqual([true, true]);
    expect(p.update).toEqual([]);
  });

  it('keeps records held by errors, in files that failed, or when prune is off', () => {
    const s = [stored(1, 'held'), stored(2, 'in-broken', { sourcePath: 'broken.yaml' }), stored(3, 'gone')];
    const p = plan({
      ...base,
      stored: s,
      desired: [desired('other')],
      heldKeys: new Set(['VPC/default/held']),
      failedPaths: new Set(['broken.yaml']),
    });
    expect(p.kept.map((k) => [k.stored.id, k.reason])).toEqual([
      [1, 'its document in git has errors'],
      [2, 'its file broken.yaml could not be read'],
    ]);
    expect(p.delete.map((d) => d.id)).toEqual([3]);
    const noPrune = plan({ ...base, prune: false, stored: s, desired: [desired('other')] });
    expect(noPrune.delete).toEqual([]);
    expect(noPrune.kept).toHaveLength(3);
  });

  it('refuses to apply anything when nothing valid was found while records exist', () => {
    const p = plan({ ...base, stored: [stored(1, 'a'), stored(2, 'b')], desired: [] });
    expect(p.refused).toMatch(/no valid document while the fabric has 2 records/);
    expect(plan({ ...base, stored: [], desired: [] }).refused).toBeUndefined();
  });
});
