import { describe, expect, it } from 'vitest';
import {
  cidrsOverlap,
  formatIPv4,
  isCanonicalCidr,
  isCommunity,
  isMac,
  parseCidr,
  parseIPv4,
} from '../../src/crds/net';
import { portKey, splitPortRef } from '../../src/crds/ports';
import { dotted, undotted } from '../../src/crds/spec';

describe('IPv4 parsing', () => {
  it('accepts dotted quads and rejects leading zeros and out-of-range octets', () => {
    expect(parseIPv4('10.0.1.1')).toBe(0x0a000101);
    expect(formatIPv4(parseIPv4('255.255.255.255')!)).toBe('255.255.255.255');
    for (const bad of ['10.0.1', '10.0.1.256', '010.0.1.1', '10.0.1.1/24', '']) expect(parseIPv4(bad), bad).toBeNull();
  });

  it('parses CIDRs into network ranges and tells canonical prefixes apart', () => {
    const c = parseCidr('172.30.0.8/21')!;
    expect(formatIPv4(c.start)).toBe('172.30.0.0');
    expect(formatIPv4(c.end)).toBe('172.30.7.255');
    expect(isCanonicalCidr(c)).toBe(false);
    expect(isCanonicalCidr(parseCidr('0.0.0.0/0')!)).toBe(true);
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('10.0.0.0')).toBeNull();
  });

  it('detects overlapping networks', () => {
    expect(cidrsOverlap(parseCidr('10.0.0.0/16')!, parseCidr('10.0.5.0/24')!)).toBe(true);
    expect(cidrsOverlap(parseCidr('10.0.1.0/24')!, parseCidr('10.0.2.0/24')!)).toBe(false);
  });

  it('checks MACs and BGP communities', () => {
    expect(isMac('0c:20:12:ff:00:00')).toBe(true);
    expect(isMac('0C-20-12-FF-00-00')).toBe(true);
    expect(isMac('0c:20:12:ff:00')).toBe(false);
    expect(isCommunity('65102:5000')).toBe(true);
    expect(isCommunity('65536:1')).toBe(false);
  });
});

describe('port references', () => {
  it('splits on the first slash', () => {
    expect(splitPortRef('leaf-01/E1/55/1')).toEqual({ device: 'leaf-01', port: 'E1/55/1' });
    expect(splitPortRef('/E1/1')).toBeNull();
    expect(splitPortRef('leaf-01/')).toBeNull();
    expect(splitPortRef('leaf-01')).toBeNull();
  });

  it('treats a port and its first breakout lane as the same port', () => {
    expect(portKey('leaf-01', 'E1/4')).toBe(portKey('leaf-01', 'E1/4/1'));
    expect(portKey('leaf-01', 'E1/4')).not.toBe(portKey('leaf-01', 'E1/4/2'));
    expect(portKey('server-01', 'enp2s1')).toBe('server-01/enp2s1');
  });
});

describe('field paths', () => {
  it('renders and parses paths with indexes and unusual keys', () => {
    const path = ['spec', 'portSpeeds', 'E1/1', 'links', 0, 'dhcp-relay'];
    expect(dotted(path)).toBe('spec.portSpeeds["E1/1"].links[0].dhcp-relay');
    expect(undotted(dotted(path))).toEqual(path);
  });
});
