// Synthetic Hedgehog fabrics for the benchmarks, shaped like what hhfab generates: spines, racks
// of two leaves in a redundancy group (eslag, or deprecated mclag every fifth rack), servers on
// unbundled/bundled/eslag/mclag connections, fabric links with /31s, a VPC loopback per leaf,
// VPCs with subnets and VLANs in per-zone IPv4/VLAN namespaces, one attachment per server
// connection, VPC peerings, and a border-leaf pair with externals. Everything is valid against
// the catalogue; the only warnings are the deprecated mclag ones, as in a real fabric.

import { stringify } from 'yaml';

export interface GeneratedDoc {
  kind: string;
  name: string;
  /** The multi-document file this document belongs to (one per rack, plus shared files). */
  group: string;
  value: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string> };
    spec: Record<string, any>;
  };
}

const WIRING = 'wiring.githedgehog.com/v1beta1';
const VPC_API = 'vpc.githedgehog.com/v1beta1';
const SPINES = 4;
const SERVERS_PER_RACK = 40;
const RACKS_PER_ZONE = 64;
const VPCS_PER_RACK = 4;

const PLURALS: Record<string, string> = {
  VLANNamespace: 'vlannamespaces',
  IPv4Namespace: 'ipv4namespaces',
  SwitchGroup: 'switchgroups',
  Switch: 'switches',
  Server: 'servers',
  Connection: 'connections',
  External: 'externals',
  ExternalAttachment: 'externalattachments',
  ExternalPeering: 'externalpeerings',
  VPC: 'vpcs',
  VPCAttachment: 'vpcattachments',
  VPCPeering: 'vpcpeerings',
};

const pad = (n: number, width = 3) => String(n).padStart(width, '0');
const ip = (n: number) => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const base = (a: number, b: number, c: number, d: number) => ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;

/** A fabric of about `switches` switches (4 spines, 2 border leaves, leaf pairs) and exactly `servers` servers (40 cabled per rack, the rest spares). */
export function generateFabricOfSize(switches: number, servers: number): GeneratedDoc[] {
  const racks = Math.max(1, Math.floor((switches - SPINES - 2) / 2));
  return generateFabric(Infinity, { racks, spares: Math.max(0, servers - racks * SERVERS_PER_RACK) });
}

/** Records of a fabric of exactly `total` documents (total >= 200), or of the given racks and spare servers. */
export function generateFabric(total: number, shape?: { racks: number; spares: number }): GeneratedDoc[] {
  const docs: GeneratedDoc[] = [];
  const add = (group: string, apiVersion: string, kind: string, name: string, spec: Record<string, any>) =>
    docs.push({ kind, name, group, value: { apiVersion, kind, metadata: { name }, spec } });

  let mgmt = base(172, 30, 0, 10);
  let protocol = base(172, 30, 8, 1);
  let vtep = base(172, 30, 12, 1);
  let p2p = base(172, 30, 128, 0);
  let asn = 65101;
  let mac = 0;
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const boot = () => ({ mac: `0c:20:12:${hex((mac >> 8) & 255)}:${hex(mac++ & 255)}:00` });
  const hydrated = (leaf: boolean) => ({
    ip: `${ip(mgmt++)}/21`,
    protocolIP: `${ip(protocol++)}/32`,
    ...(leaf ? { vtepIP: `${ip(vtep++)}/32`, asn: asn++ } : { asn: 65100 }),
  });

  add('namespaces', WIRING, 'VLANNamespace', 'default', { ranges: [{ from: 1000, to: 2999 }] });
  add('namespaces', VPC_API, 'IPv4Namespace', 'default', { subnets: ['10.0.0.0/16'] });
  for (let s = 1; s <= SPINES; s++) {
    add('spines', WIRING, 'Switch', `spine-${pad(s, 2)}`, {
      role: 'spine',
      profile: 'dell-z9332f-on',
      description: `spine ${s}`,
      boot: boot(),
      ecmp: {},
      redundancy: {},
      ...hydrated(false),
    });
  }

  // Border leaves and externals (zone 0's namespace).
  add('border', WIRING, 'SwitchGroup', 'border', {});
  for (const b of [1, 2]) {
    add('border', WIRING, 'Switch', `border-${pad(b, 2)}`, {
      role: 'border-leaf',
      profile: 'celestica-ds3000',
      description: `border leaf ${b}`,
      boot: boot(),
      groups: ['border'],
      vlanNamespaces: ['zone-0'],
      ...hydrated(true),
    });
  }
  const externals: string[] = [];
  for (let e = 1; e <= 4; e++) {
    const sw = `border-${pad(((e - 1) % 2) + 1, 2)}`;
    const conn = `${sw}--external--${e}`;
    const name = `ext-${pad(e, 2)}`;
    externals.push(name);
    add('border', WIRING, 'Connection', conn, { external: { link: { switch: { port: `${sw}/E1/${e}` } } } });
    add('border', VPC_API, 'External', name, {
      ipv4Namespace: 'zone-0',
      inboundCommunity: `65102:${e}`,
      outboundCommunity: `50000:${e}`,
    });
    add('border', VPC_API, 'ExternalAttachment', `${sw}--${name}`, {
      connection: conn,
      external: name,
      switch: { vlan: 100 + e, ip: `100.64.${e}.2/24` },
      neighbor: { asn: 64200 + e, ip: `100.64.${e}.1` },
    });
  }

  const shared = docs.length;
  // Per rack: group, 2 leaves, 8 fabric, 2 loopbacks, servers, connections, attachments, VPCs, peerings.
  const perRack = 1 + 2 + 2 * SPINES + 2 + 3 * SERVERS_PER_RACK + VPCS_PER_RACK + VPCS_PER_RACK / 2;
  const racks = shape?.racks ?? Math.max(1, Math.floor((total - shared - 2 - 4) / (perRack + 2 / RACKS_PER_ZONE)));
  let vpcCount = 0;
  let serverCount = 0;
  for (let r = 0; r < racks; r++) {
    const zone = Math.floor(r / RACKS_PER_ZONE);
    const group = `rack-${pad(r + 1)}`;
    if (r % RACKS_PER_ZONE === 0) {
      // Two /16s hold the zone's 512 /24 subnets; 1000-2999 its 512 VLANs.
      add(group, WIRING, 'VLANNamespace', `zone-${zone}`, { ranges: [{ from: 1000, to: 2999 }] });
      add(group, VPC_API, 'IPv4Namespace', `zone-${zone}`, {
        subnets: [`10.${2 * zone + 2}.0.0/16`, `10.${2 * zone + 3}.0.0/16`],
      });
    }
    const mclag = r % 5 === 4;
    const redundancy = mclag ? 'mclag' : 'eslag';
    const sg = `${redundancy}-${pad(r + 1)}`;
    const leaves = [`leaf-${pad(2 * r + 1, 4)}`, `leaf-${pad(2 * r + 2, 4)}`] as const;
    add(group, WIRING, 'SwitchGroup', sg, {});
    leaves.forEach((leaf, i) =>
      add(group, WIRING, 'Switch', leaf, {
        role: 'server-leaf',
        profile: 'celestica-ds3000',
        description: `rack ${r + 1} leaf ${i + 1}`,
        boot: boot(),
        ecmp: {},
        groups: [sg],
        redundancy: { group: sg, type: redundancy },
        vlanNamespaces: [`zone-${zone}`],
        ...hydrated(true),
      }),
    );
    const nextPort = [1, 1];
    const port = (i: number) => `${leaves[i]}/E1/${nextPort[i]!++}`;
    for (const [li, leaf] of leaves.entries()) {
      for (let s = 1; s <= SPINES; s++) {
        const links = [0, 1].map((k) => {
          const a = p2p;
          p2p += 2;
          return {
            spine: { port: `spine-${pad(s, 2)}/E1/${(2 * r + li) * 2 + k + 1}`, ip: `${ip(a)}/31` },
            leaf: { port: `${leaf}/E1/${48 + 2 * (s - 1) + k + 1}`, ip: `${ip(a + 1)}/31` },
          };
        });
        add(group, WIRING, 'Connection', `spine-${pad(s, 2)}--fabric--${leaf}`, { fabric: { links } });
      }
      add(group, WIRING, 'Connection', `${leaf}--vpc-loopback`, {
        vpcLoopback: {
          links: [
            { switch1: { port: `${leaf}/E1/57` }, switch2: { port: `${leaf}/E1/58` } },
            { switch1: { port: `${leaf}/E1/59` }, switch2: { port: `${leaf}/E1/60` } },
          ],
        },
      });
    }

    const vpcs: { name: string; subnets: string[] }[] = [];
    for (let v = 0; v < VPCS_PER_RACK; v++) {
      const index = (r % RACKS_PER_ZONE) * VPCS_PER_RACK + v;
      const name = `vpc-${pad(++vpcCount, 5)}`;
      const subnets: Record<string, any> = {};
      for (let s = 0; s < 2; s++) {
        const slot = index * 2 + s;
        const third = 2 * zone + 2 + (slot >> 8);
        const net = `10.${third}.${slot & 255}`;
        subnets[`subnet-${s + 1}`] = {
          subnet: `${net}.0/24`,
          gateway: `${net}.1`,
          vlan: 1000 + slot,
          dhcp: { enable: true, range: { start: `${net}.10`, end: `${net}.250` } },
        };
      }
      add(group, VPC_API, 'VPC', name, { ipv4Namespace: `zone-${zone}`, vlanNamespace: `zone-${zone}`, subnets });
      vpcs.push({ name, subnets: Object.keys(subnets) });
    }
    for (let v = 0; v < VPCS_PER_RACK; v += 2) {
      const [a, b] = [vpcs[v]!.name, vpcs[v + 1]!.name];
      add(group, VPC_API, 'VPCPeering', `${a}--${b}`, {
        permit: [{ [a]: { subnets: ['subnet-1'] }, [b]: { subnets: ['subnet-1'] } }],
      });
    }

    for (let s = 0; s < SERVERS_PER_RACK; s++) {
      const server = `server-${pad(++serverCount, 5)}`;
      add(group, WIRING, 'Server', server, { description: `rack ${r + 1} server ${s + 1}` });
      const kind = s % 10;
      let conn: string;
      if (kind < 6) {
        const type = mclag ? 'mclag' : 'eslag';
        conn = `${server}--${type}--${leaves[0]}--${leaves[1]}`;
        add(group, WIRING, 'Connection', conn, {
          [type]: {
            links: [0, 1].map((i) => ({ server: { port: `${server}/enp2s${i + 1}` }, switch: { port: port(i) } })),
          },
        });
      } else if (kind < 8) {
        const i = kind - 6;
        conn = `${server}--unbundled--${leaves[i]}`;
        add(group, WIRING, 'Connection', conn, {
          unbundled: { link: { server: { port: `${server}/enp2s1` }, switch: { port: port(i) } } },
        });
      } else {
        const i = kind - 8;
        conn = `${server}--bundled--${leaves[i]}`;
        add(group, WIRING, 'Connection', conn, {
          bundled: {
            links: [0, 1].map((k) => ({ server: { port: `${server}/enp2s${k + 1}` }, switch: { port: port(i) } })),
          },
        });
      }
      const vpc = vpcs[s % VPCS_PER_RACK]!;
      add(group, VPC_API, 'VPCAttachment', `${vpc.name}--${conn}`.slice(0, 253), {
        subnet: `${vpc.name}/${vpc.subnets[Math.floor(s / VPCS_PER_RACK) % 2]}`,
        connection: conn,
      });
    }
  }

  // Externals are peered with the first VPCs of zone 0.
  for (let e = 0; e < Math.min(externals.length, vpcCount); e++) {
    const vpc = `vpc-${pad(e + 1, 5)}`;
    add('border', VPC_API, 'ExternalPeering', `${vpc}--${externals[e]}`, {
      permit: {
        vpc: { name: vpc, subnets: ['subnet-1'] },
        external: { name: externals[e]!, prefixes: [{ prefix: '0.0.0.0/0' }] },
      },
    });
  }
  // Spare servers (racked, not yet cabled) make the count exact.
  const spares = shape ? docs.length + shape.spares : total;
  for (let s = 1; docs.length < spares; s++)
    add('spares', WIRING, 'Server', `spare-${pad(s, 5)}`, { description: 'not cabled yet' });
  return shape ? docs : docs.slice(0, total);
}

/**
 * A copy with `fraction` of the records changed: a spec field where people edit one, a label
 * otherwise. `together` changes a run of neighbouring records (what one commit usually does: a
 * rack's worth, in one or two multi-document files); `spread` changes every n-th record, so in
 * the multi-document layout every file changes.
 */
export function changeRecords(
  docs: GeneratedDoc[],
  fraction: number,
  how: 'together' | 'spread',
  revision: string,
): GeneratedDoc[] {
  const count = Math.max(1, Math.round(docs.length * fraction));
  const every = Math.max(1, Math.floor(docs.length / count));
  const start = Math.floor(docs.length / 2);
  const picked = (i: number) =>
    how === 'together' ? i >= start && i < start + count : i % every === every - 1 && (i + 1) / every <= count;
  return docs.map((d, i) => {
    if (!picked(i)) return d;
    const value = structuredClone(d.value);
    if (d.kind === 'Server' || d.kind === 'Switch')
      value.spec.description = `${value.spec.description ?? ''} (revision ${revision})`;
    else value.metadata.labels = { ...value.metadata.labels, 'example.com/revision': revision };
    return { ...d, value };
  });
}

export type Layout = 'file-per-record' | 'multi-document';

/** The files of a fabric directory: path (relative) -> YAML text. */
export function layoutFiles(docs: GeneratedDoc[], layout: Layout): Map<string, string> {
  const files = new Map<string, string>();
  if (layout === 'file-per-record') {
    for (const d of docs) {
      files.set(`managed/${PLURALS[d.kind]}/${d.name}.yaml`, `# ${d.kind}: ${d.name}\n---\n${stringify(d.value)}`);
    }
    return files;
  }
  const groups = new Map<string, GeneratedDoc[]>();
  for (const d of docs) {
    const list = groups.get(d.group);
    if (list) list.push(d);
    else groups.set(d.group, [d]);
  }
  for (const [group, list] of groups) {
    const parts: string[] = [];
    let kind = '';
    for (const d of list) {
      // hhfab's banner before each run of one kind.
      if (d.kind !== kind) parts.push(`#\n# ${d.kind}List\n#\n`);
      kind = d.kind;
      parts.push(`---\n${stringify(d.value)}`);
    }
    files.set(`${group.startsWith('rack-') ? 'racks/' : ''}${group}.yaml`, parts.join(''));
  }
  return files;
}
