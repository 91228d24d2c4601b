import { describe, expect, it } from 'vitest';
import type { PortConnection } from '../../src/crds';
import { switchPortMap } from '../../src/topology/portMap';

const use = (port: string, connection: string): PortConnection => ({
  port,
  connection,
  connectionId: connection.length,
  connectionSlug: 'connections',
  type: 'unbundled',
  peers: 'server-1',
  otherEnds: [{ kind: 'Server', name: 'server-1', label: 'server-1/eth0' }],
});

describe('switchPortMap', () => {
  it('lists every port of the profile with its speed, the connection on it, and the free ones', () => {
    const map = switchPortMap({ profile: 'vs', portGroupSpeeds: { '1': '10G' } }, [
      use('E1/1', 'a'),
      use('E1/48', 'b'),
    ])!;
    expect(map.displayName).toBeTruthy();
    expect(map.ports.map((p) => p.port)).toEqual(['M1', ...Array.from({ length: 48 }, (_, i) => `E1/${i + 1}`)]);
    expect(map.summary).toEqual({ ports: 48, used: 2, free: 46 });
    const first = map.ports.find((p) => p.port === 'E1/1')!;
    expect(first).toMatchObject({ kind: 'group', mode: '10G', configured: true, free: false });
    expect(first.uses.map((u) => u.connection)).toEqual(['a']);
    expect(map.ports.find((p) => p.port === 'E1/5')).toMatchObject({ mode: '25G', configured: false, free: true });
    expect(map.ports[0]).toMatchObject({ kind: 'management', free: false });
  });

  it('shows the lanes of a broken-out port, each with its connection; E1/n is its first lane', () => {
    const map = switchPortMap({ profile: 'celestica-ds3000', portBreakouts: { 'E1/5': '4x25G' } }, [
      use('E1/5', 'first'),
      use('E1/5/3', 'third'),
      use('E1/6/1', 'unbroken'),
      use('E1/99', 'nowhere'),
    ])!;
    const five = map.ports.find((p) => p.port === 'E1/5')!;
    expect(five).toMatchObject({ kind: 'breakout', mode: '4x25G', configured: true, free: false });
    expect(five.lanes.map((l) => [l.port, l.uses.map((u) => u.connection)])).toEqual([
      ['E1/5/1', ['first']],
      ['E1/5/2', []],
      ['E1/5/3', ['third']],
      ['E1/5/4', []],
    ]);
    const six = map.ports.find((p) => p.port === 'E1/6')!;
    expect(six).toMatchObject({ mode: '1x100G', configured: false, lanes: [] });
    expect(six.uses.map((u) => u.connection)).toEqual(['unbroken']);
    expect(map.unknown.map((u) => u.port)).toEqual(['E1/99']);
    expect(map.summary).toEqual({ ports: 33, used: 2, free: 31 });
  });

  it('is null for a profile the catalogue does not know', () => {
    expect(switchPortMap({ profile: 'no-such-profile' }, [])).toBeNull();
    expect(switchPortMap({}, [])).toBeNull();
    expect(switchPortMap({ profile: 'constructor' }, [])).toBeNull();
  });
});
