/**
 * The fabric configuration some rules depend on (reserved subnets, IRB VLANs, MTU, ASN ranges, …).
 * It comes from a `Fabricator` document in the fabric's directory when there is one, otherwise
 * from the fabric's own settings, which default to Hedgehog's defaults (fabricator
 * `pkg/fab/defaults.go` and `pkg/fab/comp/fabric/fabric.go`).
 */
import { parseCidr, parseIPv4, type Cidr } from './net';
import { parsePrefix, prefixesOverlap, type Prefix } from './netip';
import { list as asList, mapping, num, text } from './spec';

export interface VlanRangeSetting {
  from: number;
  to: number;
}

export interface FabricConfig {
  managementSubnet: string;
  managementDHCPStart: string;
  controlVIP: string;
  fabricSubnet: string;
  protocolSubnet: string;
  vtepSubnet: string;
  vpcWorkaroundSubnet: string;
  mclagSessionSubnet: string;
  proxyExternalSubnet: string;
  vpcIRBVLANs: VlanRangeSetting[];
  th5WorkaroundVLANs: VlanRangeSetting[];
  fabricMTU: number;
  serverFacingMTUOffset: number;
  spineASN: number;
  leafASNStart: number;
  leafASNEnd: number;
  gatewayASN: number;
  /** How many gateway communities the fabric has: the most gateways one GatewayGroup may hold. */
  gatewayCommunities: number;
  /** `spine-leaf` (the only mode this fabric release knows); ESLAG and gateway connections need it. */
  fabricMode: string;
  /** null: not known (no Fabricator document); a gateway document then counts as enabled. */
  enableGateway: boolean | null;
  includeCLSP: boolean;
  includeCumulus: boolean;
}

export const HEDGEHOG_DEFAULTS: Readonly<FabricConfig> = Object.freeze({
  managementSubnet: '172.30.0.0/21',
  managementDHCPStart: '172.30.4.0',
  controlVIP: '172.30.0.1/32',
  fabricSubnet: '172.30.128.0/17',
  protocolSubnet: '172.30.8.0/22',
  vtepSubnet: '172.30.12.0/22',
  vpcWorkaroundSubnet: '172.30.96.0/19',
  mclagSessionSubnet: '172.30.95.0/31',
  proxyExternalSubnet: '172.30.16.0/22',
  vpcIRBVLANs: [{ from: 3000, to: 3899 }],
  th5WorkaroundVLANs: [{ from: 3900, to: 3999 }],
  fabricMTU: 9100,
  serverFacingMTUOffset: 64,
  spineASN: 65100,
  leafASNStart: 65101,
  leafASNEnd: 65533,
  gatewayASN: 65534,
  gatewayCommunities: 10,
  fabricMode: 'spine-leaf',
  enableGateway: null,
  includeCLSP: false,
  includeCumulus: false,
});

/** The subnets the fabric reserves for itself, as fabricator lists them. */
export function reservedSubnets(cfg: FabricConfig): Reserved[] {
  const named: [string, string][] = [
    ['management subnet', cfg.managementSubnet],
    ['fabric subnet', cfg.fabricSubnet],
    ['protocol subnet', cfg.protocolSubnet],
    ['VTEP subnet', cfg.vtepSubnet],
    ['VPC workaround subnet', cfg.vpcWorkaroundSubnet],
    ['MCLAG session subnet', cfg.mclagSessionSubnet],
    ['proxy external subnet', cfg.proxyExternalSubnet],
  ];
  return named.flatMap(([name, value]) => {
    const cidr = parseCidr(value);
    const prefix = parsePrefix(value);
    return cidr && prefix ? [{ name, cidr, prefix, text: value }] : [];
  });
}

/** One of the fabric's reserved subnets, as an IPv4 range and as a prefix of ./netip. */
export interface Reserved {
  name: string;
  cidr: Cidr;
  prefix: Prefix;
  text: string;
}

/** The first reserved subnet a prefix of either family overlaps (an IPv6 one never does). */
export function reservedOverlapping(cfg: FabricConfig, p: Prefix): Reserved | undefined {
  return reservedOf(cfg).find((r) => prefixesOverlap(r.prefix, p));
}

const cache = new WeakMap<FabricConfig, Reserved[]>();
/** reservedSubnets, computed once per configuration object. */
export function reservedOf(cfg: FabricConfig) {
  let r = cache.get(cfg);
  if (!r) cache.set(cfg, (r = reservedSubnets(cfg)));
  return r;
}

function ranges(value: unknown): VlanRangeSetting[] | null {
  const out = asList(value).flatMap((raw) => {
    const r = mapping(raw);
    const from = num(r?.from);
    if (from === null) return [];
    const to = num(r?.to);
    return [{ from, to: to === null || to === 0 ? from : to }];
  });
  return out.length > 0 ? out : null;
}

/** Fabricator's Default() moves the old default IRB range 3000-3999 to 3000-3899 (the rest is the TH5 workaround's). */
function irbVlans(rs: VlanRangeSetting[] | null): VlanRangeSetting[] | null {
  return rs?.length === 1 && rs[0]!.from === 3000 && rs[0]!.to === 3999 ? [{ from: 3000, to: 3899 }] : rs;
}

/**
 * The configuration a `Fabricator` document (fabricator.githedgehog.com) describes, its missing
 * fields taken from `base`. Fields: spec.config.control.{managementSubnet,controlVIP},
 * spec.config.fabric.{mode,…}, spec.config.gateway.{enable,asn,communities}.
 */
export function configFromFabricator(doc: unknown, base: FabricConfig = HEDGEHOG_DEFAULTS): FabricConfig {
  const config = mapping(mapping(mapping(doc)?.spec)?.config);
  const control = mapping(config?.control);
  const fabric = mapping(config?.fabric);
  const gateway = mapping(config?.gateway);
  const cidrOr = (value: unknown, fallback: string) => {
    const t = text(value);
    return t && parseCidr(t) ? t : fallback;
  };
  const ipOr = (value: unknown, fallback: string) => {
    const t = text(value);
    return t && parseIPv4(t) !== null ? t : fallback;
  };
  return {
    managementSubnet: cidrOr(control?.managementSubnet, base.managementSubnet),
    // Fabricator names it controlVIP; `vip` is accepted as well, as earlier versions of this code read it.
    controlVIP: cidrOr(control?.controlVIP ?? control?.vip, base.controlVIP),
    managementDHCPStart: ipOr(fabric?.managementDHCPStart, base.managementDHCPStart),
    fabricSubnet: cidrOr(fabric?.fabricSubnet, base.fabricSubnet),
    protocolSubnet: cidrOr(fabric?.protocolSubnet, base.protocolSubnet),
    vtepSubnet: cidrOr(fabric?.vtepSubnet, base.vtepSubnet),
    vpcWorkaroundSubnet: cidrOr(fabric?.vpcWorkaroundSubnet, base.vpcWorkaroundSubnet),
    mclagSessionSubnet: cidrOr(fabric?.mclagSessionSubnet, base.mclagSessionSubnet),
    proxyExternalSubnet: cidrOr(fabric?.proxyExternalSubnet, base.proxyExternalSubnet),
    vpcIRBVLANs: irbVlans(ranges(fabric?.vpcIRBVLANs)) ?? base.vpcIRBVLANs,
    th5WorkaroundVLANs: ranges(fabric?.th5WorkaroundVLANs) ?? base.th5WorkaroundVLANs,
    // Fabricator hard-codes the MTU and the server-facing offset (pkg/fab/comp/fabric/fabric.go).
    fabricMTU: base.fabricMTU,
    serverFacingMTUOffset: base.serverFacingMTUOffset,
    spineASN: num(fabric?.spineASN) ?? base.spineASN,
    leafASNStart: num(fabric?.leafASNStart) ?? base.leafASNStart,
    leafASNEnd: num(fabric?.leafASNEnd) ?? base.leafASNEnd,
    gatewayASN: num(gateway?.asn) ?? base.gatewayASN,
    // Fabricator defaults the communities to ten (priorities 0-9) when none are given.
    gatewayCommunities: Object.keys(mapping(gateway?.communities) ?? {}).length || base.gatewayCommunities,
    fabricMode: text(fabric?.mode) ?? base.fabricMode,
    // A Fabricator document says whether the gateway is on: absent means off, as fabricator defaults it.
    enableGateway: gateway?.enable === true,
    includeCLSP: fabric?.includeCLSP === true,
    includeCumulus: fabric?.includeCumulus === true,
  };
}

/** Where a sync took the fabric configuration from. */
export type ConfigSource = { source: 'fabricator'; path: string; line?: number } | { source: 'settings' };

/**
 * The fabric configuration of a sync: a Fabricator document in the fabric's directory wins, and
 * what it leaves out is what fabricator itself defaults it to (Hedgehog's defaults, not the
 * fabric's settings); without one, the fabric's settings.
 */
export function resolveConfig(
  fabricator: { doc: unknown; path: string; line?: number } | undefined,
  settings: FabricConfig,
): { config: FabricConfig; source: ConfigSource } {
  if (!fabricator) return { config: settings, source: { source: 'settings' } };
  const { path, line } = fabricator;
  return {
    config: configFromFabricator(fabricator.doc, HEDGEHOG_DEFAULTS),
    source: { source: 'fabricator', path, ...(line !== undefined && { line }) },
  };
}

/** True for a `Fabricator` document of fabricator.githedgehog.com. */
export function isFabricatorDocument(doc: unknown): boolean {
  const m = mapping(doc);
  return (
    m !== null &&
    m.kind === 'Fabricator' &&
    typeof m.apiVersion === 'string' &&
    m.apiVersion.startsWith('fabricator.githedgehog.com/')
  );
}

/** Whether a VLAN range overlaps any of the given ranges; returns the first one it overlaps. */
export function overlappingRange(r: VlanRangeSetting, others: VlanRangeSetting[]): VlanRangeSetting | undefined {
  return others.find((o) => r.from <= o.to && o.from <= r.to);
}

export const formatRanges = (rs: VlanRangeSetting[]) =>
  rs.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(', ');
