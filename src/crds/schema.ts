/**
 * Zod building blocks for the spec schemas. Every message is an "expected …" phrase; the
 * validator prefixes the field path and appends the value it got.
 * Optional fields accept null because the apiserver prunes nulls, and template documents write
 * `field: # comment`.
 */
import { z } from 'zod';
import { isCommunity, isMac, parseCidr, parseIPv4 } from './net';
import { parseAddr, parseIP, parseNetCidr, parsePrefix } from './netip';
import { splitPortRef } from './ports';

export const str = z.string({ error: 'expected a string' });
export const bool = z.boolean({ error: 'expected true or false' });

/** An integer in [min, max]; `what` names it in the message. */
export function intIn(min: number, max: number, what = 'an integer'): z.ZodType<number> {
  const error = `expected ${what} ${min}-${max}`;
  return z.number({ error }).refine((v) => Number.isInteger(v) && v >= min && v <= max, { error });
}

export const uint32 = intIn(0, 4294967295);
export const vlan = intIn(1, 4094);
/** 0 means untagged / no VLAN. */
export const vlanOrZero = intIn(0, 4094);
export const mtu = intIn(0, 65535, 'an MTU');

export const ipv4 = str.refine((v) => parseIPv4(v) !== null, { error: 'expected an IPv4 address such as 10.0.1.1' });
export const cidr = str.refine((v) => parseCidr(v) !== null, { error: 'expected an IPv4 CIDR such as 10.0.1.0/24' });
export const ipOrCidr = str.refine((v) => parseIPv4(v) !== null || parseCidr(v) !== null, {
  error: 'expected an IPv4 address or CIDR such as 10.20.20.200/32',
});
export const cidrOrAny = str.refine((v) => v === 'any' || parseCidr(v) !== null, {
  error: 'expected an IPv4 CIDR or "any"',
});
// Fields the fabric parses with Go's netip / net packages and no CRD pattern: IPv6 is accepted
// there as well (./netip says how each parser reads its text).
/** netip.ParsePrefix. */
export const ipPrefix = str.refine((v) => parsePrefix(v) !== null, {
  error: 'expected an IP prefix such as 10.0.1.0/24 or 2001:db8::/32',
});
/** net.ParseCIDR (an interface address with its prefix length). */
export const netCidr = str.refine((v) => parseNetCidr(v) !== null, {
  error: 'expected an IP address with a prefix length, such as 10.0.1.1/24 or 2001:db8::1/64',
});
/** netip.ParseAddr (a zone such as %eth0 allowed). */
export const ipAddr = str.refine((v) => parseAddr(v) !== null, {
  error: 'expected an IP address such as 10.0.1.1 or 2001:db8::1',
});
/** net.ParseIP (no zone). */
export const netIP = str.refine((v) => parseIP(v) !== null, {
  error: 'expected an IP address such as 10.0.1.1 or 2001:db8::1',
});
/** "any" or net.ParseCIDR, as the ExternalAttachment ACL reads its prefixes. */
export const netCidrOrAny = str.refine((v) => v === 'any' || parseNetCidr(v) !== null, {
  error: 'expected "any" or an IP prefix such as 10.0.0.0/8 or 2001:db8::/32',
});
export const mac = str.refine(isMac, { error: 'expected a MAC address such as 0c:20:12:ff:00:00' });
export const community = str.refine(isCommunity, {
  error: 'expected a BGP community ASN:VALUE (0-65535 each), e.g. 65102:5000',
});
export const portRef = str.refine((v) => splitPortRef(v) !== null, {
  error: 'expected "<device>/<port>" with both parts non-empty, e.g. "leaf-01/E1/1"',
});

/** A field that may be absent or null. */
export function opt<T extends z.ZodType>(schema: T) {
  return schema.nullish();
}

/** A mapping that keeps unknown fields. */
export function obj<T extends z.ZodRawShape>(shape: T) {
  return z.looseObject(shape, { error: 'expected a mapping' });
}

/** A list with optional CRD item bounds. */
export function list<T extends z.ZodType>(item: T, min?: number, max?: number) {
  let schema = z.array(item, { error: 'expected a list' });
  if (min !== undefined) schema = schema.min(min, { error: `expected at least ${min} item${min === 1 ? '' : 's'}` });
  if (max !== undefined) schema = schema.max(max, { error: `expected at most ${max} items` });
  return schema;
}

/** A mapping with free-form keys. */
export function dict<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value, { error: 'expected a mapping' });
}

/** A string from a fixed set. */
export function oneOf(values: readonly string[], what?: string) {
  const error = `expected ${what ?? values.map((v) => JSON.stringify(v)).join(', ')}`;
  return z.string({ error }).refine((v) => values.includes(v), { error });
}

// A link side without a port names no endpoint at all, so the port is required here.
export const portSide = obj({ port: portRef });
export const portIpSide = obj({ port: portRef, ip: opt(cidr) });
