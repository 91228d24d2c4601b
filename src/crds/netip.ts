/**
 * IP addresses and prefixes of either family, parsed as the fabric's Go code parses them:
 * `netip.ParseAddr` / `netip.ParsePrefix` (IPv4 without leading zeros, IPv6 with `::`, an embedded
 * IPv4 tail and, for addresses only, a `%zone`) and the older `net.ParseIP` / `net.ParseCIDR`
 * (no zone; `net.ParseCIDR` reads the prefix length with leading zeros). Where the fabric takes
 * IPv4 only (a CRD pattern or an explicit Is4 check), `./net` is used instead.
 */

export interface Addr {
  /** 32 for IPv4, 128 for IPv6 (an IPv4-mapped IPv6 address such as ::ffff:10.0.0.1 included). */
  bits: 32 | 128;
  value: bigint;
  /** IPv6 zone (`%eth0`), '' when none. */
  zone: string;
  /** True for an IPv4-mapped IPv6 address, which Go prints as ::ffff:a.b.c.d. */
  mapped: boolean;
}

export interface Prefix {
  addr: Addr;
  /** The prefix length. */
  length: number;
}

const DIGITS = /^\d+$/;

function parseIPv4Fields(text: string): bigint | null {
  const fields = text.split('.');
  if (fields.length !== 4) return null;
  let value = 0n;
  for (const f of fields) {
    // No empty fields, no leading zeros, no signs: as Go's parser.
    if (!DIGITS.test(f) || (f.length > 1 && f[0] === '0') || f.length > 3) return null;
    const n = Number(f);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIPv6(input: string): Addr | null {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') return null;
  }
  const groups: number[] = [];
  let ellipsis = -1;
  let tail: bigint | null = null;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return { bits: 128, value: 0n, zone, mapped: false };
  }
  while (groups.length < 8) {
    const m = /^[0-9a-fA-F]*/.exec(s)![0];
    if (m.length === 0 || m.length > 4) return null;
    if (s[m.length] === '.') {
      // An embedded IPv4 address replaces the last two groups.
      if ((ellipsis < 0 && groups.length !== 6) || groups.length > 6) return null;
      tail = parseIPv4Fields(s);
      if (tail === null) return null;
      s = '';
      break;
    }
    groups.push(parseInt(m, 16));
    s = s.slice(m.length);
    if (s === '') break;
    if (s[0] !== ':' || s.length === 1) return null;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return null;
      ellipsis = groups.length;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') return null;
  if (tail !== null) groups.push(Number(tail >> 16n), Number(tail & 0xffffn));
  if (groups.length < 8) {
    if (ellipsis < 0) return null;
    groups.splice(ellipsis, 0, ...new Array<number>(8 - groups.length).fill(0));
  } else if (ellipsis >= 0) return null;
  const value = groups.reduce((v, g) => (v << 16n) | BigInt(g), 0n);
  return { bits: 128, value, zone, mapped: value >> 32n === 0xffffn };
}

/** Go's netip.ParseAddr: IPv4 or IPv6 (with an optional zone); null when it refuses the text. */
export function parseAddr(text: string): Addr | null {
  for (const c of text) {
    if (c === '.') {
      const value = parseIPv4Fields(text);
      return value === null ? null : { bits: 32, value, zone: '', mapped: false };
    }
    if (c === ':') return parseIPv6(text);
    if (c === '%') return null;
  }
  return null;
}

/** Go's net.ParseIP: as netip.ParseAddr, without a zone. */
export function parseIP(text: string): Addr | null {
  const a = parseAddr(text);
  return a && a.zone === '' ? a : null;
}

/** Go's netip.ParsePrefix: the last '/', no zone, a length without sign or leading zeros. */
export function parsePrefix(text: string): Prefix | null {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return null;
  const addr = parseAddr(text.slice(0, slash));
  if (!addr || addr.zone !== '') return null;
  const lengthText = text.slice(slash + 1);
  if (!DIGITS.test(lengthText) || (lengthText.length > 1 && lengthText[0] === '0')) return null;
  const length = Number(lengthText);
  return length <= addr.bits ? { addr, length } : null;
}

/** Go's net.ParseCIDR: the first '/', no zone, a decimal length (leading zeros allowed). */
export function parseNetCidr(text: string): Prefix | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const addr = parseIP(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (!addr || !DIGITS.test(lengthText)) return null;
  const length = Number(lengthText);
  return length <= addr.bits ? { addr, length } : null;
}

const ones = (bits: number) => (1n << BigInt(bits)) - 1n;
const hostMask = (p: Prefix) => ones(p.addr.bits - p.length);

/** The prefix's first address (Go's Masked().Addr()). */
export function networkOf(p: Prefix): bigint {
  return p.addr.value & ~hostMask(p) & ones(p.addr.bits);
}

/** The prefix's last address (the fabric's LastIPNetip). */
export function lastOf(p: Prefix): bigint {
  return networkOf(p) | hostMask(p);
}

/** True when the prefix has no host bits set (what `Addr() == Masked().Addr()` checks). */
export function isCanonical(p: Prefix): boolean {
  return p.addr.value === networkOf(p);
}

/** Go's Prefix.Contains: same address length, no zone, inside the network. */
export function prefixContains(p: Prefix, a: Addr): boolean {
  return a.zone === '' && a.bits === p.addr.bits && (a.value & ~hostMask(p)) === networkOf(p);
}

/** Go's Prefix.Overlaps: IPv4 and IPv6 prefixes never overlap (an IPv4-mapped one counts as IPv6). */
export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  if (a.addr.bits !== b.addr.bits) return false;
  const length = Math.min(a.length, b.length);
  const mask = ~ones(a.addr.bits - length);
  return (a.addr.value & mask) === (b.addr.value & mask);
}

/** The fabric's iputil.IsSubset: inner lies inside outer, of the same family, at least as long. */
export function isSubset(inner: Prefix, outer: Prefix): boolean {
  return inner.addr.bits === outer.addr.bits && inner.length >= outer.length && prefixContains(outer, inner.addr);
}

/** An address of the same family as `like` with another value (no zone). */
export function addrLike(like: Addr, value: bigint): Addr {
  return { bits: like.bits, value, zone: '', mapped: like.bits === 128 && value >> 32n === 0xffffn };
}

function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
}

/** Go's Addr.String(): dotted IPv4, RFC 5952 IPv6 (longest zero run as ::), ::ffff:a.b.c.d, %zone. */
export function formatAddr(a: Addr): string {
  const zone = a.zone ? `%${a.zone}` : '';
  if (a.bits === 32) return formatIPv4(a.value);
  if (a.mapped) return `::ffff:${formatIPv4(a.value & 0xffffffffn)}${zone}`;
  const groups = Array.from({ length: 8 }, (_, i) => Number((a.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  const text = best < 0 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLen, 8)}`;
  return text + zone;
}

/** The prefix with its address masked, as Go prints it (`2001:db8::/32`). */
export function formatPrefix(p: Prefix): string {
  return `${formatAddr(addrLike(p.addr, networkOf(p)))}/${p.length}`;
}
