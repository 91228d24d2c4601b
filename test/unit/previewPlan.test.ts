import { describe, expect, it } from 'vitest';
import { fieldChanges } from '../../src/records/fieldChanges';

describe('fieldChanges', () => {
  it('names each changed, added and removed leaf by its path; arrays compare whole', () => {
    const before = { spec: { vlan: 1000, subnets: { a: { subnet: '10.0.1.0/24' } }, ports: [1, 2], gone: 'x' } };
    const after = {
      spec: { vlan: 1001, subnets: { a: { subnet: '10.0.1.0/24' }, b: { subnet: '10.0.2.0/24' } }, ports: [1, 3] },
    };
    expect(fieldChanges(before, after)).toEqual([
      { path: 'spec.gone', before: 'x', after: null },
      { path: 'spec.ports', before: [1, 2], after: [1, 3] },
      { path: 'spec.subnets.b', before: null, after: { subnet: '10.0.2.0/24' } },
      { path: 'spec.vlan', before: 1000, after: 1001 },
    ]);
    expect(fieldChanges({ a: { b: 1 } }, { a: { b: 1 } })).toEqual([]);
  });
});
