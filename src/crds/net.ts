/** IPv4 parsing (as the CRD patterns write it: no leading zeros), CIDR ranges, MAC and VLAN checks. */

export interface Cidr {
  /** The address as written (may have host bits set, e.g. an interface address 172.30.0.8/21). */
  address: number;
  prefixLength: number;
  /** First address of the network, as an unsigned 32-bit number. */
  start: number;
  /** Last address of the network. */
  end: number;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_RE = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const CIDR_RE = new RegExp(`^(${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET})/(3[0-2]|[12]?\\d)$`);
const MAC_RE =
  /^(?:[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){4}|[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4})$/;
// As the fabric's communityCheck: no leading zeros.
const COMMUNITY_RE = /^(0|[1-9]\d{0,4}):(0|[1-9]\d{0,4})$/;

/** Parses a dotted-quad IPv4 address into an unsigned 32-bit number, or null. */
export function parseIPv4(text: string): number | null {
  if (!IPV4_RE.test(text)) return null;
  const parts = text.split('.');
  return ((Number(parts[0]) << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
}

/** Parses `a.b.c.d/len` into its network range, or null when it is not a valid IPv4 CIDR. */
export function parseCidr(text: string): Cidr | null {
  const m = CIDR_RE.exec(text);
  if (!m) return null;
  const address = parseIPv4(m[1]!);
  if (address === null) return null;
  const prefixLength = Number(m[m.length - 1]);
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  const start = (address & mask) >>> 0;
  const end = (start | (~mask >>> 0)) >>> 0;
  return { address, prefixLength, start, end };
}

/** True when the CIDR has no host bits set (10.0.1.0/24, not 10.0.1.5/24). */
export function isCanonicalCidr(cidr: Cidr): boolean {
  return cidr.address === cidr.start;
}

/** Formats an unsigned 32-bit number as a dotted quad. */
export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** True when the address lies inside the CIDR's network. */
export function cidrContains(cidr: Cidr, address: number): boolean {
  return address >= cidr.start && address <= cidr.end;
}

/** True when two CIDRs share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Accepts the MAC spellings Go's net.ParseMAC accepts for 48-bit addresses. */
export function isMac(text: string): boolean {
  return MAC_RE.test(text);
}

/** A BGP standard community `ASN16:VAL16`. */
export function isCommunity(text: string): boolean {
  const m = COMMUNITY_RE.exec(text);
  return m !== null && Number(m[1]) <= 65535 && Number(m[2]) <= 65535;
}
