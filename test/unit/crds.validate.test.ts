import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { connectionType, kindByName, type KindDef } from '../../src/crds';
import { classify, validateDocument } from '../../src/crds/validate';

import { FIXTURES, yamlFiles } from '../helpers/fixtures';
const SEED = `${FIXTURES}/seed-fabric-1`;

/** Every non-empty document of a file that parses cleanly. */
function documents(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .filter((d) => d.errors.length === 0)
    .map((d) => d.toJS() as unknown)
    .filter((v) => v !== null && v !== undefined);
}

function kind(name: string): KindDef {
  const k = kindByName(name);
  if (!k) throw new Error(`no kind ${name}`);
  return k;
}

/** A minimal valid document of a kind, with spec overrides. */
function doc(
  kindName: string,
  spec: unknown,
  metadata: Record<string, unknown> = { name: 'x-1' },
): Record<string, unknown> {
  return { apiVersion: kind(kindName).apiVersion, kind: kindName, metadata, spec };
}

function messages(kindName: string, d: Record<string, unknown>): string[] {
  return validateDocument(d, kind(kindName)).errors.map((e) => e.message);
}

describe('validateDocument on the seed fabric', () => {
  for (const state of ['v1-735989ad', 'v2-e40d5442']) {
    it(`accepts every document of ${state} without errors`, () => {
      const counts: Record<string, number> = {};
      const types: Record<string, number> = {};
      for (const file of yamlFiles(`${SEED}/${state}`)) {
        for (const value of documents(file)) {
          const c = classify(value);
          expect(c.type, file).toBe('kind');
          if (c.type !== 'kind') continue;
          const check = validateDocument(value as Record<string, unknown>, c.kind);
          expect(check.errors, `${file} ${check.name}`).toEqual([]);
          expect(check.namespace).toBe('default');
          counts[c.kind.kind] = (counts[c.kind.kind] ?? 0) + 1;
          if (c.kind.kind === 'Connection') {
            const t = connectionType(check.spec);
            types[t!] = (types[t!] ?? 0) + 1;
          }
        }
      }
      expect(counts).toEqual({ SwitchGroup: 3, Switch: 7, Server: 10, Connection: 26, VPC: 2 });
      expect(types).toEqual({
        fabric: 10,
        vpcLoopback: 5,
        unbundled: 3,
        bundled: 3,
        eslag: 2,
        mclag: 2,
        mclagDomain: 1,
      });
    });
  }
});

describe('validateDocument on the corpus', () => {
  function check(dir: string) {
    const valid: string[] = [];
    const invalid: { file: string; errors: string[] }[] = [];
    for (const file of yamlFiles(dir)) {
      for (const value of documents(file)) {
        const c = classify(value);
        if (c.type !== 'kind') continue;
        const result = validateDocument(value as Record<string, unknown>, c.kind);
        if (result.errors.length === 0) valid.push(`${c.kind.kind}/${result.name}`);
        else invalid.push({ file, errors: result.errors.map((e) => e.message) });
      }
    }
    return { valid, invalid };
  }

  it('accepts every v1beta1 document of demo-gitops master', () => {
    const { valid, invalid } = check(`${FIXTURES}/corpus/demo-gitops/master`);
    expect(invalid).toEqual([]);
    expect(valid).toHaveLength(17);
  });

  it('accepts the docs samples except the templates whose name is a placeholder and those the fabric refuses', () => {
    const { valid, invalid } = check(`${FIXTURES}/corpus/docs`);
    expect(valid.length).toBeGreaterThan(60);
    // Template blocks write `name: #`, which parses to null.
    const templates = invalid.filter((bad) => bad.errors.includes('metadata.name is required'));
    expect(templates.length).toBeLessThanOrEqual(6);
    // Samples the fabric itself refuses on the object alone (FABRIC-RULES.md).
    const all = invalid
      .filter((bad) => !templates.includes(bad))
      .map((bad) => `${bad.file.slice(bad.file.lastIndexOf('/') + 1)}: ${bad.errors.join(' | ')}`);
    const gateway = all.filter((line) => /gateway|fab"/.test(line));
    const refused = all.filter((line) => !gateway.includes(line));
    expect(refused).toEqual([
      // #63: a DHCP relay is parsed as a prefix; a bare address is refused.
      'user-guide__dhcp.block04.yaml: spec.subnets.default.dhcp.relay: "10.99.0.100" is not a prefix; expected one such as 10.20.20.200/32 or 2001:db8::200/128',
      // #89: an External name becomes a VRF name, at most 11 characters.
      'user-guide__external.block02.yaml: metadata.name: "default--5835" is 13 characters; the fabric allows at most 11 for an External (it becomes a VRF name)',
      // #93: the CRD requires spec.switch and spec.neighbor, also on a static attachment.
      'user-guide__external.block13.yaml: spec.switch is required | spec.neighbor is required',
      // #69: permit lists name subnets of the VPC (the sample omits them).
      expect.stringContaining(
        'user-guide__vpcs.block01.vpc.yaml: spec.permit[0]: names subnet "subnet-1", which this VPC does not have',
      ),
    ]);
    // Gateway samples the fabric refuses: namespace "fab" (#2), the template's ".." expose entries,
    // and an ACL without its CRD-required default.
    expect(gateway).toEqual([
      'install-upgrade__build-wiring.block02.wiring_diagram.yaml: metadata.namespace: only the "default" namespace is supported by the fabric, got "fab"',
      'user-guide__gateway-add.block02.gateway.yaml: metadata.namespace: only the "default" namespace is supported by the fabric, got "fab"',
      'user-guide__gateway-failover.block03.yaml: spec.peering.vpc-1.expose[0]: expected a mapping, got ".." | spec.peering.vpc-2.expose[0]: expected a mapping, got ".."',
      'user-guide__gateway-peering.block06.gw-acl-peer.yaml: spec.acl.default is required',
    ]);
  });

  it('accepts the complete docs wiring diagram', () => {
    const file = `${FIXTURES}/corpus/docs/install-upgrade__build-wiring.block02.wiring_diagram.yaml`;
    const kinds = documents(file).map((v) => {
      const c = classify(v);
      if (c.type !== 'kind') return c.type;
      const errors = validateDocument(v as Record<string, unknown>, c.kind).errors.map((e) => e.message);
      // The sample's Gateway sits in namespace "fab"; the fabric serves the "default" namespace only (#2).
      expect(errors).toEqual(
        c.kind.kind === 'Gateway'
          ? ['metadata.namespace: only the "default" namespace is supported by the fabric, got "fab"']
          : [],
      );
      return c.kind.kind;
    });
    expect(kinds.filter((k) => k === 'Connection')).toHaveLength(10);
    expect(kinds.filter((k) => k === 'Gateway')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'skip')).toHaveLength(0);
  });

  it('rejects the v1beta1 VPC that still lists its subnets', () => {
    const [value] = documents(`${FIXTURES}/corpus/gitops-test-1/history/e8277f80/test-vpc.yaml`);
    expect(messages('VPC', value as Record<string, unknown>)).toEqual(['spec.subnets: expected a mapping, got a list']);
  });
});

describe('classify', () => {
  it('recognises the kinds of the catalogue by group, kind and version', () => {
    const c = classify(doc('VPC', {}));
    expect(c).toMatchObject({ type: 'kind', kind: { kind: 'VPC' } });
  });

  it('marks a retired apiVersion of a managed kind as unserved and names the served one', () => {
    const c = classify({ apiVersion: 'wiring.githedgehog.com/v1alpha2', kind: 'Connection', metadata: { name: 'a' } });
    expect(c.type).toBe('unserved');
    if (c.type === 'unserved') expect(c.message).toContain('use apiVersion: wiring.githedgehog.com/v1beta1');
  });

  it('marks a managed kind under the wrong Hedgehog group as unserved', () => {
    const c = classify({ apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'VPC', metadata: { name: 'a' } });
    expect(c).toMatchObject({ type: 'unserved', message: expect.stringContaining('vpc.githedgehog.com/v1beta1') });
  });

  it('skips the kinds the fabric controllers write, and other Hedgehog kinds, with a reason', () => {
    expect(classify({ apiVersion: 'agent.githedgehog.com/v1beta1', kind: 'Agent' })).toEqual({
      type: 'skip',
      reason: "Agent (agent.githedgehog.com/v1beta1) is written by the fabric's controllers, not kept in git",
    });
    for (const kind of ['Catalog', 'DHCPSubnet', 'VPCInfo', 'GatewayAgent'])
      expect(classify({ apiVersion: 'x.githedgehog.com/v1', kind })).toMatchObject({
        type: 'skip',
        reason: expect.stringContaining("written by the fabric's controllers"),
      });
    expect(classify({ apiVersion: 'fabricator.githedgehog.com/v1beta1', kind: 'ControlNode' })).toEqual({
      type: 'skip',
      reason:
        "ControlNode (fabricator.githedgehog.com/v1beta1) is the installer's configuration (hhfab), not a fabric object",
    });
    expect(classify({ apiVersion: 'fabricator.githedgehog.com/v1beta1', kind: 'Fabricator' })).toMatchObject({
      type: 'skip',
      reason: expect.stringContaining("the fabric's rules read their settings from it"),
    });
    expect(classify({ apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'Widget' })).toEqual({
      type: 'skip',
      reason: 'Widget (wiring.githedgehog.com/v1beta1) is not one of the managed kinds',
    });
    expect(classify({ apiVersion: 'gateway.githedgehog.com/v1alpha1', kind: 'Gateway' }).type).toBe('kind');
  });

  it('skips documents that are not Hedgehog objects', () => {
    expect(classify({ apiVersion: 'v1', kind: 'ConfigMap' })).toMatchObject({
      type: 'skip',
      reason: expect.stringContaining('ConfigMap'),
    });
    expect(classify({ resources: ['a.yaml'] })).toMatchObject({
      type: 'skip',
      reason: expect.stringContaining('no apiVersion or kind'),
    });
    expect(classify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' }).type).toBe('skip');
    expect(classify(['a', 'b'])).toMatchObject({ type: 'skip', reason: expect.stringContaining('a list') });
    expect(classify({ apiVersion: 'test.io/v1', kind: 'Server' }).type).toBe('skip');
  });

  it('keeps a managed kind without apiVersion so validation can report it', () => {
    const value = { kind: 'VPC', metadata: { name: 'v' }, spec: {} };
    const c = classify(value);
    expect(c.type).toBe('kind');
    if (c.type === 'kind')
      expect(validateDocument(value, c.kind).errors.map((e) => e.message)).toContain('apiVersion is required');
  });
});

describe('validateDocument errors', () => {
  it('rejects a document that is not a mapping', () => {
    expect(validateDocument('hello' as unknown as Record<string, unknown>, kind('VPC')).errors).toEqual([
      { path: [], message: 'document: expected a mapping, got "hello"' },
    ]);
  });

  it('requires metadata.name, also when a template left it empty', () => {
    expect(messages('Server', doc('Server', {}, { name: null }))).toEqual(['metadata.name is required']);
    expect(messages('Server', { apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'Server' })).toEqual([
      'metadata is required (with at least metadata.name)',
    ]);
  });

  it('rejects a name that is not a DNS-1123 subdomain', () => {
    const [error] = validateDocument(doc('Server', {}, { name: 'Bad_Name' }), kind('Server')).errors;
    expect(error?.path).toEqual(['metadata', 'name']);
    expect(error?.message).toMatch(/^metadata\.name: "Bad_Name" is not a valid name/);
    expect(messages('Server', doc('Server', {}, { name: 'a'.repeat(254) }))).toEqual([
      'metadata.name: expected at most 253 characters, got 254',
    ]);
    expect(messages('Server', doc('Server', {}, { name: 'rack-1.server-01' }))).toEqual([]);
  });

  it('accepts an absent or empty namespace as default and rejects any other', () => {
    expect(validateDocument(doc('Server', {}, { name: 's', namespace: '' }), kind('Server')).namespace).toBe('default');
    const check = validateDocument(doc('Server', {}, { name: 's', namespace: 'fab' }), kind('Server'));
    expect(check.errors.map((e) => e.message)).toEqual([
      'metadata.namespace: only the "default" namespace is supported by the fabric, got "fab"',
    ]);
  });

  it('accepts a Connection with two types as the fabric does (it checks the first only)', () => {
    const spec = {
      unbundled: { link: { server: { port: 'server-01/enp2s1' }, switch: { port: 'leaf-01/E1/1' } } },
      bundled: { links: [{ server: { port: 'server-01/enp2s2' }, switch: { port: 'leaf-01/E1/2' } }] },
    };
    expect(messages('Connection', doc('Connection', spec))).toEqual([]);
  });

  it('rejects a Connection with no or an unknown type', () => {
    expect(messages('Connection', doc('Connection', {}))[0]).toMatch(
      /^spec: expected exactly one connection type \(unbundled, .*\), found none$/,
    );
    expect(messages('Connection', doc('Connection', { management: { link: {} } }))[0]).toContain(
      'found unknown connection type "management"',
    );
  });

  it('rejects a port reference without a device or port', () => {
    const spec = { unbundled: { link: { server: { port: 'server-01' }, switch: { port: 'leaf-01/' } } } };
    expect(messages('Connection', doc('Connection', spec))).toEqual([
      'spec.unbundled.link.server.port: expected "<device>/<port>" with both parts non-empty, e.g. "leaf-01/E1/1", got "server-01"',
      'spec.unbundled.link.switch.port: expected "<device>/<port>" with both parts non-empty, e.g. "leaf-01/E1/1", got "leaf-01/"',
    ]);
  });

  it('rejects a bad CIDR, a VLAN out of range and a VLAN of the wrong type', () => {
    const spec = {
      subnets: {
        default: { subnet: '10.0.1.0/33', vlan: 5000 },
        other: { subnet: '10.0.2.0/24', vlan: 'abc' },
      },
    };
    expect(messages('VPC', doc('VPC', spec))).toEqual([
      'spec.subnets.default.subnet: expected an IP prefix such as 10.0.1.0/24 or 2001:db8::/32, got "10.0.1.0/33"',
      // A VLAN above 4094 fails only against its VLANNamespace (a warning): the field is a uint16.
      'spec.subnets.other.vlan: expected an integer 0-65535, got "abc"',
    ]);
  });

  it('requires a VLAN on a VPC subnet unless hostBGP is set', () => {
    expect(messages('VPC', doc('VPC', { subnets: { default: { subnet: '10.0.1.0/24' } } }))).toEqual([
      'spec.subnets.default.vlan: expected an integer 1-4094 (required unless hostBGP is set), got nothing',
    ]);
    expect(messages('VPC', doc('VPC', { subnets: { bgp: { subnet: '10.0.1.0/24', hostBGP: true } } }))).toEqual([]);
  });

  it('rejects a bad fabric link IP, an unknown role and a wrong field type', () => {
    const conn = {
      fabric: { links: [{ spine: { port: 'spine-01/E1/1', ip: '172.30.128.0' }, leaf: { port: 'leaf-01/E1/1' } }] },
    };
    expect(messages('Connection', doc('Connection', conn))).toEqual([
      'spec.fabric.links[0].spine.ip: expected an IPv4 CIDR such as 10.0.1.0/24, got "172.30.128.0"',
    ]);
    expect(messages('Switch', doc('Switch', { role: 'leaf' }))[0]).toContain(
      'spec.role: expected "spine", "server-leaf"',
    );
    expect(messages('Switch', doc('Switch', { role: 'spine', groups: 'a' }))).toEqual([
      'spec.groups: expected a list, got "a"',
    ]);
    expect(messages('Switch', doc('Switch', {}))).toEqual(['spec.role is required']);
  });

  it('accepts VLANNamespace ranges out of range or reversed, as the fabric does once Default() dropped them (#6, #7)', () => {
    const reversed = doc('VLANNamespace', {
      ranges: [
        { from: 0, to: 10 },
        { from: 200, to: 100 },
      ],
    });
    expect(messages('VLANNamespace', reversed)).toEqual([]);
    expect(messages('VLANNamespace', doc('VLANNamespace', { ranges: [{ from: 'a' }] }))).toEqual([
      'spec.ranges[0].from: expected an integer 0-65535, got "a"',
    ]);
  });

  it('requires the spec of an ExternalAttachment only', () => {
    expect(
      messages('ExternalAttachment', {
        apiVersion: 'vpc.githedgehog.com/v1beta1',
        kind: 'ExternalAttachment',
        metadata: { name: 'a' },
      }),
    ).toEqual(['spec is required']);
    expect(
      messages('SwitchGroup', {
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'SwitchGroup',
        metadata: { name: 'g' },
      }),
    ).toEqual([]);
  });

  it('rejects a VPCPeering entry that does not name exactly two VPCs', () => {
    expect(messages('VPCPeering', doc('VPCPeering', { permit: [{ 'vpc-1': {} }] }))).toEqual([
      'spec.permit[0]: expected exactly 2 VPC names, got 1 (vpc-1)',
    ]);
  });

  it('rejects a bad community, MAC key and ACL action', () => {
    expect(messages('External', doc('External', { inboundCommunity: '70000:1' }))[0]).toContain(
      'spec.inboundCommunity: expected a BGP community',
    );
    const vpc = {
      subnets: {
        default: {
          subnet: '10.0.1.0/24',
          vlan: 10,
          dhcp: { enable: true, static: { 'not-a-mac': { ip: '10.0.1.5' } } },
        },
      },
    };
    expect(messages('VPC', doc('VPC', vpc))[0]).toBe(
      'spec.subnets.default.dhcp.static.not-a-mac: expected a MAC address key such as aa:bb:cc:dd:ee:01, got "not-a-mac"',
    );
    const acl = {
      external: 'e',
      connection: 'c',
      switch: { ip: '10.0.0.1/31' },
      neighbor: { asn: 65000, ip: '10.0.0.0' },
      inboundACL: { statements: [{ seq: 10, action: 'allow', protocol: 'ip', srcPrefix: 'any', dstPrefix: 'any' }] },
    };
    expect(messages('ExternalAttachment', doc('ExternalAttachment', acl))[0]).toContain(
      'spec.inboundACL.statements[0].action: expected "permit", "deny"',
    );
  });

  it('reports a null required field as empty', () => {
    expect(messages('VPCAttachment', doc('VPCAttachment', { subnet: null, connection: 'c' }))).toEqual([
      'spec.subnet is required, got null (an empty value)',
    ]);
  });

  it('rejects label values that are not strings', () => {
    expect(
      messages('Server', doc('Server', {}, { name: 's', annotations: { 'argocd.argoproj.io/sync-wave': 1 } })),
    ).toEqual(['metadata.annotations["argocd.argoproj.io/sync-wave"]: expected a string (quote it), got 1']);
  });

  it('keeps unknown spec fields untouched', () => {
    const spec = { role: 'server-leaf', profile: 'vs', portLocators: { '*': '10m' }, future: { nested: [1, 2] } };
    const check = validateDocument(doc('Switch', spec), kind('Switch'));
    expect(check.errors).toEqual([]);
    expect(check.spec).toBe(spec);
    expect(check.spec).toEqual({
      role: 'server-leaf',
      profile: 'vs',
      portLocators: { '*': '10m' },
      future: { nested: [1, 2] },
    });
  });
});
