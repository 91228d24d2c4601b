import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { commitDirectory, commitFiles } from '../helpers/gitServer';
import { useSyncHarness } from '../helpers/sync';

// Hedgehog VLAB wirings as `hhfab vlab gen` and `hhfab build` write them (test/fixtures/vlab/README.md),
// each directory synced as its own fabric through the REST API, as a new user's repository would be:
// every document applied, nothing skipped but the installer's own configuration, and exactly the
// warnings the fabric gives (the MCLAG deprecation, and the fields hhfab fills in when unhydrated).

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
const VLAB = resolve(import.meta.dirname, '../fixtures/vlab');
const repo = await h.repository('vlab');
const head = await commitDirectory(repo.bare, VLAB, '', 'hhfab VLAB wirings');

type File = {
  path: string;
  status: string;
  errors: { line: number; message: string }[];
  warnings: { line: number; message: string }[];
  skipped: { line: number; kind: string; reason: string }[];
};
type Run = { id: number; status: string; counts: Record<string, number>; files: File[]; configSource: unknown };

const warningsOf = (run: Run) => run.files.flatMap((f) => f.warnings.map((w) => `${f.path}: ${w.message}`)).sort();
const errorsOf = (run: Run) => run.files.flatMap((f) => f.errors.map((e) => `${f.path}: ${e.message}`));
const skippedOf = (run: Run) => run.files.flatMap((f) => f.skipped.map((s) => ({ path: f.path, ...s })));

// The installer's configuration (fab.yaml): skipped, each saying why; the Fabricator is read for the rules.
const INSTALLER = (dir: string) => [
  {
    path: `${dir}fab.yaml`,
    line: 6,
    kind: 'Fabricator',
    reason:
      "Fabricator (fabricator.githedgehog.com/v1beta1) is the installer's configuration (hhfab), not a fabric object; the fabric's rules read their settings from it",
  },
  {
    path: `${dir}fab.yaml`,
    line: 51,
    kind: 'ControlNode',
    reason:
      "ControlNode (fabricator.githedgehog.com/v1beta1) is the installer's configuration (hhfab), not a fabric object",
  },
  {
    path: `${dir}fab.yaml`,
    line: 66,
    kind: 'FabNode',
    reason:
      "FabNode (fabricator.githedgehog.com/v1beta1) is the installer's configuration (hhfab), not a fabric object",
  },
];

let gatewayRun: Run;
let gatewayFabric: { id: number };

async function syncDirectory(dir: string) {
  const fabric = await h.fabric(repo.id, dir);
  const run = (await h.sync(fabric.id)) as Run;
  const f = (await h.api.get(`/fabrics/${fabric.id}`)).body;
  return { fabric, run, f };
}

/** Every record of the fabric whose validation state is "warning", as "Kind/name". */
async function flagged(fabricId: number) {
  const res = await h.api.get(`/crds?fabric=${fabricId}&validation=warning&perPage=500&sort=name`);
  expect(res.status).toBe(200);
  return (res.body.items as { kind: string; name: string }[]).map((r) => `${r.kind}/${r.name}`).sort();
}

describe('hhfab VLAB wirings, each directory a fabric', () => {
  it('(a) the default spine-leaf VLAB with an MCLAG pair, hydrated: all applied, only the MCLAG deprecation warned', async () => {
    const dir = 'spine-leaf-mclag/';
    const { fabric, run, f } = await syncDirectory(dir);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toEqual({
      files: 1,
      documents: 43,
      created: 43,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      skipped: 0,
      invalid: 0,
    });
    expect(errorsOf(run)).toEqual([]);
    expect(skippedOf(run)).toEqual([]);
    // No Fabricator document: the fabric's settings (Hedgehog's defaults) judge it.
    expect(run.configSource).toEqual({ source: 'settings' });
    expect(f).toMatchObject({ health: 'healthy', invalidCount: 0, syncStatus: 'in_sync', cachedCrdCount: 43 });
    expect(f.countsByKind).toEqual({
      VLANNamespace: 1,
      IPv4Namespace: 1,
      SwitchGroup: 3,
      Switch: 7,
      Server: 10,
      Connection: 21,
    });
    // What the fabric's webhook warns about (Switch and Connection Validate): MCLAG, and nothing else.
    // The MCLAG peers share their ASN and VTEP IP (hhfab hydrates them so); the fabric allows it.
    const switchWarning =
      'spec.redundancy.type: MCLAG is deprecated and no longer supported by the fabric; use ESLAG instead (removed in Hedgehog release 26.03)';
    const connWarning = (type: string) =>
      `spec.${type}: the ${type} connection type: MCLAG is deprecated and no longer supported by the fabric, which skips its checks; use eslag instead (removed in Hedgehog release 26.03)`;
    expect(warningsOf(run)).toEqual(
      [
        `Connection leaf-01--mclag-domain--leaf-02: ${connWarning('mclagDomain')}`,
        `Connection server-01--mclag--leaf-01--leaf-02: ${connWarning('mclag')}`,
        `Connection server-02--mclag--leaf-01--leaf-02: ${connWarning('mclag')}`,
        `Switch leaf-01: ${switchWarning}`,
        `Switch leaf-02: ${switchWarning}`,
      ]
        .map((m) => `${dir}wiring.yaml: ${m}`)
        .sort(),
    );
    expect(await flagged(fabric.id)).toEqual([
      'Connection/leaf-01--mclag-domain--leaf-02',
      'Connection/server-01--mclag--leaf-01--leaf-02',
      'Connection/server-02--mclag--leaf-01--leaf-02',
      'Switch/leaf-01',
      'Switch/leaf-02',
    ]);
  });

  it('(b) with gateways, externals, VPCs, peerings and profiles, hydrated: all applied, no warning', async () => {
    const dir = 'spine-leaf-gateway/';
    const { fabric, run, f } = await syncDirectory(dir);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toEqual({
      files: 5,
      documents: 56,
      created: 53,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      skipped: 3,
      invalid: 0,
    });
    expect(errorsOf(run)).toEqual([]);
    expect(warningsOf(run)).toEqual([]);
    expect(skippedOf(run)).toEqual(INSTALLER(dir));
    expect(run.configSource).toEqual({ source: 'fabricator', path: `${dir}fab.yaml`, line: 6 });
    expect(f).toMatchObject({ health: 'healthy', invalidCount: 0, syncStatus: 'in_sync', cachedCrdCount: 53 });
    expect(f.countsByKind).toEqual({
      VLANNamespace: 1,
      IPv4Namespace: 1,
      SwitchGroup: 2,
      Switch: 5,
      Server: 6,
      ServerProfile: 1,
      Connection: 15,
      External: 2,
      ExternalAttachment: 2,
      VPC: 6,
      VPCAttachment: 6,
      VPCPeering: 1,
      ExternalPeering: 1,
      GatewayGroup: 1,
      Gateway: 1,
      GatewayPeering: 2,
    });
    // A reference to a record the fabric does not hold is a warning: none, so every one resolves (a
    // GatewayPeering's VPCs and External, a Gateway's group, a Server's ServerProfile, a Switch's built-in profile).
    expect(await flagged(fabric.id)).toEqual([]);
    gatewayRun = run;
    gatewayFabric = f;
  });

  it('(b) keeps the installer’s secrets (join token, password hashes) out of the run and the fabric', async () => {
    const fab = readFileSync(`${VLAB}/spine-leaf-gateway/fab.yaml`, 'utf8');
    const token = /joinToken: "([^"]+)"/.exec(fab)![1]!;
    const run = (await h.api.get(`/sync-runs/${gatewayRun.id}`)).body;
    const fabric = (await h.api.get(`/fabrics/${gatewayFabric.id}`)).body;
    for (const body of [JSON.stringify(run), JSON.stringify(fabric)]) {
      expect(body).not.toContain(token);
      expect(body).not.toContain('$5$8nAYPGcl4l6G7Av1');
    }
  });

  it('(c) unhydrated, as `hhfab vlab gen` writes it: all applied, warned only for the fields hhfab build fills in', async () => {
    // The whole hhfab work directory: fab.yaml, include/ and .registry.yaml (a dot-file the scan leaves out).
    const dir = 'unhydrated/';
    const { fabric, run, f } = await syncDirectory(dir);
    expect(run.files.map((x) => x.path)).toEqual([`${dir}fab.yaml`, `${dir}include/vlab.generated.yaml`]);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toEqual({
      files: 2,
      documents: 39,
      created: 36,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      skipped: 3,
      invalid: 0,
    });
    expect(errorsOf(run)).toEqual([]);
    expect(skippedOf(run)).toEqual(INSTALLER(dir));
    expect(f).toMatchObject({ health: 'healthy', invalidCount: 0, cachedCrdCount: 36 });
    expect(f.countsByKind).toEqual({
      VLANNamespace: 1,
      IPv4Namespace: 1,
      SwitchGroup: 2,
      Switch: 5,
      Server: 6,
      Connection: 15,
      External: 2,
      ExternalAttachment: 2,
      GatewayGroup: 1,
      Gateway: 1,
    });
    const filled = (field: string, what = 'it') =>
      `${field}: missing; ${what} will be required by the fabric; usually filled by hhfab build`;
    const expected = [
      ...['leaf-01', 'leaf-02', 'leaf-03'].flatMap((sw) => [
        `Switch ${sw}: ${filled('spec.asn')}`,
        `Switch ${sw}: ${filled('spec.ip')}`,
        `Switch ${sw}: ${filled('spec.protocolIP')}`,
        `Switch ${sw}: ${filled('spec.vtepIP', 'for a leaf in spine-leaf mode it')}`,
      ]),
      ...['spine-01', 'spine-02'].flatMap((sw) => [
        `Switch ${sw}: ${filled('spec.asn')}`,
        `Switch ${sw}: ${filled('spec.ip')}`,
        `Switch ${sw}: ${filled('spec.protocolIP')}`,
      ]),
      `Gateway gateway-1: ${filled('spec.asn')}`,
      `Gateway gateway-1: ${filled('spec.protocolIP')}`,
      `Gateway gateway-1: ${filled('spec.vtepIP')}`,
      `Gateway gateway-1: ${filled('spec.vtepMAC')}`,
      `Gateway gateway-1: ${filled('spec.neighbors', 'at least one neighbor')}`,
      `Gateway gateway-1: ${filled('spec.interfaces.enp2s1.ips', 'an IPv4 prefix')}`,
      `Gateway gateway-1: ${filled('spec.interfaces.enp2s2.ips', 'an IPv4 prefix')}`,
    ];
    expect(warningsOf(run)).toEqual(expected.map((m) => `${dir}include/vlab.generated.yaml: ${m}`).sort());
    expect(await flagged(fabric.id)).toEqual([
      'Gateway/gateway-1',
      'Switch/leaf-01',
      'Switch/leaf-02',
      'Switch/leaf-03',
      'Switch/spine-01',
      'Switch/spine-02',
    ]);
  });

  it('(c) then hydrated: the user commits the wiring `hhfab build` put in the installer; 14 records change, no warning left', async () => {
    const dir = 'unhydrated/';
    const fabric = (await h.api.get(`/fabrics?perPage=100`)).body.items.find((x: any) => x.gitopsDirectory === dir);
    // The installer's include.yaml: spine-leaf-gateway/wiring.yaml without the ServerProfile edit.
    const hydrated = readFileSync(`${VLAB}/spine-leaf-gateway/wiring.yaml`, 'utf8').replaceAll(
      '  profile: vlab-server\n',
      '',
    );
    await commitFiles(repo.bare, { [`${dir}include/vlab.generated.yaml`]: hydrated }, 'hydrated by hhfab build');
    const run = (await h.sync(fabric.id)) as Run;
    expect(run.status).toBe('succeeded');
    // Switches (asn, ip, protocolIP, vtepIP), fabric and gateway links (/31s), the Gateway (addresses, neighbors).
    expect(run.counts).toMatchObject({ created: 0, updated: 14, unchanged: 22, deleted: 0, skipped: 3, invalid: 0 });
    expect(warningsOf(run)).toEqual([]);
    expect(await flagged(fabric.id)).toEqual([]);
    const changes = (await h.api.get(`/changes?syncRun=${(run as any).id}&perPage=100`)).body.items as any[];
    expect(changes.map((c) => c.objectType).sort()).toEqual([
      ...Array(8).fill('Connection'),
      'Gateway',
      ...Array(5).fill('Switch'),
    ]);
  });

  it('(d) a mesh VLAB (leaves linked to each other, gateway on two leaves), hydrated: all applied, no warning', async () => {
    const dir = 'mesh/';
    const { fabric, run, f } = await syncDirectory(dir);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toEqual({
      files: 2,
      documents: 29,
      created: 26,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      skipped: 3,
      invalid: 0,
    });
    expect(errorsOf(run)).toEqual([]);
    expect(warningsOf(run)).toEqual([]);
    expect(skippedOf(run)).toEqual(INSTALLER(dir));
    expect(f).toMatchObject({ health: 'healthy', invalidCount: 0, cachedCrdCount: 26 });
    expect(f.countsByKind).toEqual({
      VLANNamespace: 1,
      IPv4Namespace: 1,
      SwitchGroup: 2,
      Switch: 3,
      Server: 6,
      Connection: 11,
      GatewayGroup: 1,
      Gateway: 1,
    });
    expect(await flagged(fabric.id)).toEqual([]);
  });

  it('a new user’s slip: gateway documents under a Fabricator without the gateway refused as the fabric refuses them', async () => {
    // `hhfab init --dev` without --gateway, then the gateway wiring and peerings copied in.
    const dir = 'no-gateway/';
    const fab = readFileSync(`${VLAB}/spine-leaf-gateway/fab.yaml`, 'utf8').replace(
      /\n {4}gateway:\n {6}enable: true\n/,
      '\n',
    );
    expect(fab).not.toContain('enable: true');
    await commitFiles(
      repo.bare,
      {
        [`${dir}fab.yaml`]: fab,
        [`${dir}wiring.yaml`]: readFileSync(`${VLAB}/spine-leaf-gateway/wiring.yaml`, 'utf8'),
        [`${dir}peerings.yaml`]: readFileSync(`${VLAB}/spine-leaf-gateway/peerings.yaml`, 'utf8'),
        [`${dir}vpcs.yaml`]: readFileSync(`${VLAB}/spine-leaf-gateway/vpcs.yaml`, 'utf8'),
      },
      'a repository whose installer has no gateway',
    );
    const { run, f } = await syncDirectory(dir);
    expect(run.status).toBe('partial');
    // Gateway, GatewayGroup and the two GatewayPeerings: "gateway support is not enabled" (every gateway kind's Validate).
    expect(run.counts).toMatchObject({ invalid: 4, skipped: 3 });
    const gatewayOff =
      'apiVersion: gateway support is not enabled in the fabric configuration (Fabricator spec.config.gateway.enable); expected it enabled for gateway kinds';
    expect(errorsOf(run).sort()).toEqual(
      [
        `${dir}peerings.yaml: GatewayPeering vpc-01--vpc-02: ${gatewayOff}`,
        `${dir}peerings.yaml: GatewayPeering vpc-05--ext-sp-01: ${gatewayOff}`,
        `${dir}wiring.yaml: Gateway gateway-1: ${gatewayOff}`,
        `${dir}wiring.yaml: GatewayGroup default: ${gatewayOff}`,
      ].sort(),
    );
    expect(f).toMatchObject({ health: 'degraded', invalidCount: 4 });
    expect(f.countsByKind.Gateway).toBeUndefined();
  });

  it('a new user’s mistakes on top of (b): each error and warning names the field, the value and what the fabric expects', async () => {
    const dir = 'mistakes/';
    const base = ['fab.yaml', 'wiring.yaml', 'vpcs.yaml', 'peerings.yaml', 'server-profiles.yaml'];
    await commitFiles(
      repo.bare,
      {
        ...Object.fromEntries(base.map((f) => [`${dir}${f}`, readFileSync(`${VLAB}/spine-leaf-gateway/${f}`, 'utf8')])),
      },
      'hand-written additions with mistakes',
    );
    const { run, f } = await syncDirectory(dir);
    expect(run.status).toBe('partial');
    // Refused on the object alone, as the fabric's Validate() refuses them.
    expect(errorsOf(run)).toEqual([
      `${dir}mistakes.yaml: VPC vpc-frontend-01: metadata.name: "vpc-frontend-01" is 15 characters; the fabric allows at most 11 for a VPC (it becomes a VRF name)`,
      `${dir}mistakes.yaml: GatewayPeering vpc-03--nothing: spec.gatewayGroup: is required (a GatewayGroup name), got nothing; the fabric fills in "default" only when spec.peering has exactly 2 sides, and it has 1`,
      `${dir}mistakes.yaml: GatewayPeering vpc-03--nothing: spec.peering: names 1 side(s); expected exactly 2 (VPCs or ext.<External>)`,
      `${dir}mistakes.yaml: GatewayGroup group-1: metadata.namespace: only the "default" namespace is supported by the fabric, got "fab"`,
      `${dir}mistakes.yaml: Connection server-09--unbundled--leaf-03: spec.unbundled.mtu: 9100 is above the server-facing MTU 9036 (fabric MTU 9100 - offset 64); expected at most 9036`,
    ]);
    expect(run.counts).toMatchObject({ invalid: 4, skipped: 3 });
    expect(f).toMatchObject({ health: 'degraded', invalidCount: 4 });
    // What the webhook refuses against the other objects: applied, and warned on each side it concerns.
    const m = `${dir}mistakes.yaml: `;
    expect(warningsOf(run)).toEqual(
      [
        `${m}Connection server-07--unbundled--leaf-03: spec.unbundled.link.switch.port: port leaf-03/E1/49 is not in SwitchProfile "vs" of switch leaf-03 (with its breakouts); it has M1, E1/1-E1/48`,
        `${m}VPC vpc-07: spec.subnets.subnet-01.subnet: 10.1.7.0/24 is not inside any subnet of IPv4Namespace "default"`,
        `${m}VPC vpc-07: spec.subnets.subnet-01.vlan: VLAN 3007 is outside the ranges of VLANNamespace "default" (1000-2999); expected a VLAN inside them`,
        `${m}VPC vpc-08: spec.subnets.subnet-01.vlan: VLAN 1001 is also used by VPC "vpc-01" subnet "subnet-01" (VLANNamespace "default")`,
        `${dir}vpcs.yaml: VPC vpc-01: spec.subnets.subnet-01.vlan: VLAN 1001 is also used by VPC "vpc-08" subnet "subnet-01" (VLANNamespace "default")`,
        `${m}VPCAttachment spine-attach: spec.connection: Connection "spine-01--fabric--leaf-01" is of type fabric; a VPC can only attach to unbundled, bundled or eslag connections`,
        `${m}Connection server-08--unbundled--leaf-01: spec.unbundled.link.server.port: Server "server-08" is not defined in this fabric`,
        `${m}Connection server-08--unbundled--leaf-01: spec.unbundled.link.switch.port: port leaf-01/E1/3 is also used by Connection "server-03--unbundled--leaf-01"; expected a port used by one Connection`,
        `${dir}wiring.yaml: Connection server-03--unbundled--leaf-01: spec.unbundled.link.switch.port: port leaf-01/E1/3 is also used by Connection "server-08--unbundled--leaf-01"; expected a port used by one Connection`,
        `${m}VPCAttachment server-02--eslag--leaf-01--leaf-02--vpc-10--subnet-01: spec.connection: Connection "server-02--eslag--leaf-01--leaf-02" is eslag; it attaches only l2vni VPCs, and VPC "vpc-10" is l3vni`,
        `${m}VPCAttachment server-05--unbundled--leaf-03--vpc-05--subnet-1: spec.subnet: VPC "vpc-05" has no subnet "subnet-1"`,
      ].sort(),
    );
  });

  it('synced the commit the repository holds', async () => {
    const runs = (await h.api.get(`/sync-runs?perPage=100`)).body.items as { commit: { sha: string } }[];
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(runs.some((r) => r.commit.sha === head)).toBe(true);
  });
});
