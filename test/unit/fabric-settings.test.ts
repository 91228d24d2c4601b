import { describe, expect, it } from 'vitest';
import { HEDGEHOG_DEFAULTS, resolveConfig } from '../../src/crds/fabricConfig';
import { ValidationError } from '../../src/errors';
import { FabricPatch } from '../../src/fabrics/schema';
import {
  describeSettings,
  effectiveSettings,
  mergeSettings,
  sameSettings,
  settingsFormValues,
  settingsFromForm,
  SettingsPatch,
  SETTINGS,
} from '../../src/fabrics/settings';

/** The one message per field that a parse gives, as the API and the form show them. */
function problems(input: unknown): Record<string, string> {
  const r = FabricPatch.safeParse({ settings: input });
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
}

function mergeProblems(stored: unknown, patch: unknown): Record<string, string> {
  try {
    mergeSettings(stored, SettingsPatch.parse(patch));
    return {};
  } catch (err) {
    if (err instanceof ValidationError) return err.fields;
    throw err;
  }
}

describe('fabric settings: the schema', () => {
  it('knows every field the fabric configuration has, each in a group, with its default', () => {
    expect(SETTINGS.map((s) => s.key).sort()).toEqual(Object.keys(HEDGEHOG_DEFAULTS).sort());
    const shown = describeSettings({}).flatMap((g) => g.settings);
    expect(shown.find((s) => s.key === 'fabricSubnet')).toMatchObject({
      group: 'Subnets',
      value: '172.30.128.0/17',
      default: '172.30.128.0/17',
      changed: false,
    });
    expect(shown.find((s) => s.key === 'vpcIRBVLANs')).toMatchObject({ default: '3000-3899' });
    expect(shown.find((s) => s.key === 'enableGateway')).toMatchObject({ value: 'auto', default: 'auto' });
  });

  it('a CIDR that is not a CIDR names the field, the value and an example', () => {
    expect(problems({ fabricSubnet: '10.0.0.0/33' })).toEqual({
      'settings.fabricSubnet':
        'Fabric subnet: "10.0.0.0/33" is not a CIDR (expected an IPv4 prefix such as 172.30.128.0/17)',
    });
    expect(problems({ managementSubnet: 'lan' })['settings.managementSubnet']).toMatch(/^Management subnet: "lan"/);
    expect(problems({ managementDHCPStart: '172.30.4' })).toEqual({
      'settings.managementDHCPStart':
        'Management DHCP start: "172.30.4" is not an IPv4 address (expected e.g. 172.30.4.0)',
    });
  });

  it('a VLAN range whose start exceeds its end, or outside 1–4094, names the field and the range', () => {
    expect(problems({ vpcIRBVLANs: '3899-3000' })).toEqual({
      'settings.vpcIRBVLANs':
        'VPC IRB VLANs: the range 3899-3000 starts after it ends (3899 > 3000); expected 3000-3899',
    });
    expect(problems({ th5WorkaroundVLANs: [{ from: 0, to: 10 }] })['settings.th5WorkaroundVLANs']).toBe(
      'TH5 workaround VLANs: {"from":0,"to":10} is not a VLAN range (expected from-to with VLANs 1–4094, e.g. 3900-3999)',
    );
    expect(problems({ vpcIRBVLANs: 'many' })['settings.vpcIRBVLANs']).toContain('"many" is not a VLAN range');
    expect(problems({ vpcIRBVLANs: [] })['settings.vpcIRBVLANs']).toBe(
      'VPC IRB VLANs: expected at least one VLAN range such as 3000-3899, got []',
    );
  });

  it('numbers: MTU, offset and ASNs within their ranges, whole', () => {
    expect(problems({ fabricMTU: 90000 })).toEqual({
      'settings.fabricMTU': 'Fabric MTU: 90000 is not an MTU (expected 1280–9216)',
    });
    expect(problems({ spineASN: 0 })['settings.spineASN']).toBe('Spine ASN: 0 is not an ASN (expected 1–4294967295)');
    expect(problems({ leafASNStart: 1.5 })['settings.leafASNStart']).toContain('1.5 is not an ASN');
    expect(problems({ fabricMTU: '9216' })).toEqual({});
    expect(problems({ gatewayCommunities: 0 })['settings.gatewayCommunities']).toBe(
      'Gateway communities: 0 is not a number of communities (expected 1–1000)',
    );
    // The only mode of this fabric release: collapsed-core was removed.
    expect(problems({ fabricMode: 'collapsed-core' })).toEqual({
      'settings.fabricMode': 'Fabric mode: "collapsed-core" is not a fabric mode (expected spine-leaf)',
    });
  });

  it('features are auto (null), on or off; flags on or off; unknown settings are refused by name', () => {
    expect(SettingsPatch.parse({ enableGateway: 'auto', includeCLSP: 'on' })).toEqual({
      enableGateway: null,
      includeCLSP: true,
    });
    expect(SettingsPatch.parse({ enableGateway: false })).toEqual({ enableGateway: false });
    expect(problems({ enableGateway: 'maybe' })['settings.enableGateway']).toBe(
      'Gateway: "maybe" is not auto, on or off',
    );
    expect(problems({ fabricSubnett: '10.0.0.0/8' }).settings).toMatch(
      /^unknown setting "fabricSubnett"; the settings are/,
    );
  });

  it('a range of leaf ASNs that starts after its end, or an offset that leaves no MTU, is found after the merge', () => {
    expect(mergeProblems({ leafASNEnd: 65200 }, { leafASNStart: 65300 })).toEqual({
      'settings.leafASNStart':
        "Leaf ASN range start: 65300 is after the range's end 65200; expected a start at most the end",
    });
    expect(mergeProblems({}, { fabricMTU: 1500, serverFacingMTUOffset: 300 })).toEqual({
      'settings.serverFacingMTUOffset':
        'Server-facing MTU offset: 300 leaves a server-facing MTU of 1200 (fabric MTU 1500 minus the offset); expected at least 1280',
    });
  });
});

describe('fabric settings: stored as what differs from the defaults', () => {
  it('keeps only values that differ; null and empty fields go back to the default', () => {
    const stored = mergeSettings({}, SettingsPatch.parse({ fabricSubnet: ' 10.128.0.0/16 ', fabricMTU: 9100 }));
    expect(stored).toEqual({ fabricSubnet: '10.128.0.0/16' });
    expect(effectiveSettings(stored)).toEqual({ ...HEDGEHOG_DEFAULTS, fabricSubnet: '10.128.0.0/16' });
    expect(mergeSettings(stored, SettingsPatch.parse({ vpcIRBVLANs: '3000-3499, 3600' }))).toEqual({
      fabricSubnet: '10.128.0.0/16',
      vpcIRBVLANs: [
        { from: 3000, to: 3499 },
        { from: 3600, to: 3600 },
      ],
    });
    expect(mergeSettings(stored, SettingsPatch.parse({ fabricSubnet: null }))).toEqual({});
    expect(mergeSettings(stored, SettingsPatch.parse({ fabricSubnet: '' }))).toEqual({});
    expect(sameSettings({}, { fabricMTU: 9100 })).toBe(true);
  });

  it('reads a stored value that no longer passes as the default, never failing', () => {
    expect(effectiveSettings({ fabricSubnet: 'garbage', gone: 1, fabricMTU: 9000 })).toEqual({
      ...HEDGEHOG_DEFAULTS,
      fabricMTU: 9000,
    });
    expect(effectiveSettings(null)).toEqual(HEDGEHOG_DEFAULTS);
  });

  it('round-trips through the form: the form values of a fabric give back its settings', () => {
    const stored = { vpcIRBVLANs: [{ from: 2000, to: 2099 }], enableGateway: false, includeCumulus: true };
    const form = settingsFormValues(stored);
    expect(form).toMatchObject({
      'settings.vpcIRBVLANs': '2000-2099',
      'settings.enableGateway': 'off',
      'settings.includeCumulus': 'on',
      'settings.fabricMTU': '9100',
    });
    const again = mergeSettings({}, SettingsPatch.parse(settingsFromForm({ name: 'x', ...form })));
    expect(again).toEqual(stored);
  });
});

describe('the configuration a sync uses', () => {
  it('without a Fabricator document, gateway documents count as the gateway enabled unless a setting turns it off', async () => {
    const { kindByName } = await import('../../src/crds');
    const group = kindByName('GatewayGroup')!;
    const check = (settings: unknown) =>
      (group.checkConfig?.({}, effectiveSettings(settings), { name: 'default', annotations: {} }) ?? []).map(
        (i) => i.message,
      );
    expect(check({})).toEqual([]);
    expect(check({ enableGateway: true })).toEqual([]);
    expect(check(mergeSettings({}, SettingsPatch.parse({ enableGateway: 'off' })))).toEqual([
      'apiVersion: gateway support is not enabled in the fabric configuration (Fabricator spec.config.gateway.enable); expected it enabled for gateway kinds',
    ]);
  });

  it('is the settings without a Fabricator document; the Fabricator document wins, over Hedgehog’s defaults', () => {
    const settings = effectiveSettings({ fabricMTU: 9000, spineASN: 64000 });
    expect(resolveConfig(undefined, settings)).toEqual({ config: settings, source: { source: 'settings' } });
    const doc = { spec: { config: { fabric: { fabricSubnet: '10.1.0.0/16' } } } };
    const { config, source } = resolveConfig({ doc, path: 'fab.yaml', line: 3 }, settings);
    expect(source).toEqual({ source: 'fabricator', path: 'fab.yaml', line: 3 });
    // What the document leaves out is what fabricator defaults it to, not the fabric's settings.
    expect(config).toMatchObject({
      fabricSubnet: '10.1.0.0/16',
      fabricMTU: 9100,
      spineASN: 65100,
      enableGateway: false,
    });
  });
});
