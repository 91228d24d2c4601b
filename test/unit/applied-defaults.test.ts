import { describe, expect, it } from 'vitest';
import { kindByName, kinds, type Spec } from '../../src/crds';
import { effectiveSpec } from '../../src/crds/validate';
import { appliedDefaults } from '../../src/records/appliedDefaults';

const kind = (name: string) => kindByName(name)!;

describe('the defaults a record page shows beside the stored spec', () => {
  it('a VPCAttachment subnet without a subnet name is the VPC’s default subnet', () => {
    expect(appliedDefaults(kind('VPCAttachment'), { subnet: 'vpc-1', connection: 'c' })).toEqual([
      { path: 'spec.subnet', value: 'vpc-1/default', stored: 'vpc-1' },
    ]);
    expect(appliedDefaults(kind('VPCAttachment'), { subnet: 'vpc-1/db', connection: 'c' })).toEqual([]);
  });

  it('a VLAN range without `to` is one VLAN; a VPC subnet gets its gateway and the VPC its namespaces', () => {
    expect(appliedDefaults(kind('VLANNamespace'), { ranges: [{ from: 1000 }, { from: 2000, to: 2999 }] })).toEqual([
      { path: 'spec.ranges[0].to', value: 1000, stored: null },
    ]);
    expect(appliedDefaults(kind('VPC'), { subnets: { default: { subnet: '10.0.1.0/24', vlan: 1001 } } })).toEqual([
      { path: 'spec.ipv4Namespace', value: 'default', stored: null },
      { path: 'spec.subnets.default.gateway', value: '10.0.1.1', stored: null },
      { path: 'spec.vlanNamespace', value: 'default', stored: null },
    ]);
  });

  it('a VLANNamespace with a broken range: Default() drops its ranges, shown as dropped (#6, #7)', () => {
    expect(appliedDefaults(kind('VLANNamespace'), { ranges: [{ from: 1000 }, { from: 2000, to: 1500 }] })).toEqual([
      { path: 'spec.ranges', value: null, stored: [{ from: 1000 }, { from: 2000, to: 1500 }] },
    ]);
    // The list counts the VLANs the fabric holds (none); the panel says its ranges are git's only.
    const ns = kind('VLANNamespace');
    const size = (spec: Spec) => ns.columns.find((c) => c.key === 'size')!.value(spec);
    expect(size({ ranges: [{ from: 1000 }, { from: 2000, to: 1500 }] })).toBe(0);
    expect(size({ ranges: [{ from: 1000 }, { from: 2000, to: 2009 }] })).toBe(11);
    const title = (spec: Spec) => ns.panels!(spec)[0]!.title;
    expect(title({ ranges: [{ from: 2000, to: 1500 }] })).toBe(
      'Ranges in git (the fabric drops them: see the warning)',
    );
    expect(title({ ranges: [{ from: 2000, to: 2500 }] })).toBe('Ranges');
  });

  it('is exactly what the validation’s defaulting (effectiveSpec) changes, and leaves the spec as git says', () => {
    const spec: Spec = { subnets: { a: { subnet: '10.0.2.0/24', vlan: 1002 } } };
    const copy = structuredClone(spec);
    const applied = appliedDefaults(kind('VPC'), spec);
    expect(spec).toEqual(copy);
    const effective = effectiveSpec(kind('VPC'), spec);
    for (const a of applied) {
      const value = a.path
        .replace(/^spec\./, '')
        .split('.')
        .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], effective);
      expect(value, a.path).toEqual(a.value);
    }
    // Kinds without defaults show none.
    for (const k of kinds.filter((x) => !x.defaults)) expect(appliedDefaults(k, {}), k.kind).toEqual([]);
  });
});
