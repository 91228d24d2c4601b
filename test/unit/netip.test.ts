// The IP parsing the fabric's Go code does (netip.ParseAddr/ParsePrefix, net.ParseIP/ParseCIDR),
// both families, with the cases Go's own tests accept and refuse.
import { describe, expect, it } from 'vitest';
import {
  formatAddr,
  formatPrefix,
  isCanonical,
  isSubset,
  lastOf,
  parseAddr,
  parseIP,
  parseNetCidr,
  parsePrefix,
  prefixContains,
  prefixesOverlap,
  addrLike,
} from '../../src/crds/netip';

const text = (s: string) => {
  const a = parseAddr(s);
  return a ? formatAddr(a) : null;
};

describe('netip, as the fabric parses addresses and prefixes', () => {
  it('ParseAddr accepts IPv4 without leading zeros and IPv6 in its forms, and prints them as Go does', () => {
    expect(text('10.0.1.1')).toBe('10.0.1.1');
    expect(text('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(text('2001:db8::')).toBe('2001:db8::');
    expect(text('::')).toBe('::');
    expect(text('::1')).toBe('::1');
    expect(text('0001:0:0:1:0:0:0:1')).toBe('1:0:0:1::1');
    expect(text('1:0:1:0:1:0:1:0')).toBe('1:0:1:0:1:0:1:0');
    expect(text('::ffff:10.0.0.1')).toBe('::ffff:10.0.0.1');
    expect(text('64:ff9b::192.0.2.33')).toBe('64:ff9b::c000:221');
    expect(text('1:2:3:4:5:6:1.2.3.4')).toBe('1:2:3:4:5:6:102:304');
    expect(text('fe80::1%eth0')).toBe('fe80::1%eth0');
    for (const bad of [
      '',
      '010.0.0.1',
      '10.0.0',
      '10.0.0.256',
      '1.2.3.4%eth0',
      '%eth0',
      'fe80::1%',
      ':::1',
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7:8::',
      '1:2:3:4:5:6:7::8:9',
      '1:',
      ':1',
      '::1.2.3',
      '::01.2.3.4',
      '1:2:3:4:5:1.2.3.4',
      'g::1',
    ])
      expect(parseAddr(bad), bad).toBeNull();
    expect(parseIP('fe80::1%eth0')).toBeNull();
    expect(parseIP('2001:db8::1')).not.toBeNull();
  });

  it('ParsePrefix: the last slash, no zone, a length without leading zeros up to the family size', () => {
    expect(parsePrefix('2001:db8::/32')).toMatchObject({ length: 32 });
    expect(parsePrefix('10.0.1.5/24')).toMatchObject({ length: 24 });
    expect(parsePrefix('::/0')).toMatchObject({ length: 0 });
    for (const bad of [
      '2001:db8::/129',
      '10.0.0.0/33',
      '10.0.0.0/08',
      '10.0.0.0/+8',
      '10.0.0.0',
      'fe80::%eth0/64',
      '2001:db8::/',
      '10.0.0.0/24/24',
    ])
      expect(parsePrefix(bad), bad).toBeNull();
    // net.ParseCIDR reads the length from the first slash and allows leading zeros.
    expect(parseNetCidr('10.0.0.0/024')).toMatchObject({ length: 24 });
    expect(parseNetCidr('2001:db8::1/64')).toMatchObject({ length: 64 });
    expect(parseNetCidr('10.0.0.0/24/24')).toBeNull();
    expect(parseNetCidr('fe80::1%eth0/64')).toBeNull();
  });

  it('canonical, contains, overlaps and subset follow Go: families never mix', () => {
    const p = (s: string) => parsePrefix(s)!;
    expect(isCanonical(p('2001:db8::/32'))).toBe(true);
    expect(isCanonical(p('2001:db8::1/32'))).toBe(false);
    expect(formatPrefix(p('2001:db8::1/32'))).toBe('2001:db8::/32');
    expect(formatAddr(addrLike(p('2001:db8::/126').addr, lastOf(p('2001:db8::/126'))))).toBe('2001:db8::3');
    expect(prefixContains(p('2001:db8::/32'), parseAddr('2001:db8::5')!)).toBe(true);
    expect(prefixContains(p('2001:db8::/32'), parseAddr('2001:db8::5%eth0')!)).toBe(false);
    expect(prefixContains(p('10.0.0.0/8'), parseAddr('::ffff:10.0.0.1')!)).toBe(false);
    expect(prefixesOverlap(p('2001:db8::/32'), p('2001:db8:1::/48'))).toBe(true);
    expect(prefixesOverlap(p('::/0'), p('10.0.0.0/8'))).toBe(false);
    expect(prefixesOverlap(p('0.0.0.0/0'), p('10.0.0.0/8'))).toBe(true);
    expect(isSubset(p('2001:db8:1::/48'), p('2001:db8::/32'))).toBe(true);
    expect(isSubset(p('2001:db8::/16'), p('2001:db8::/32'))).toBe(false);
  });
});
