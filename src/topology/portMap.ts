// A switch's port map: every port of its profile, with its speed or breakout, the Connection on
// it (or on each lane of a broken-out port), and which are free. Pure: the profile comes from
// the catalogue, the connections from the record page's references.

import type { PortConnection, Spec } from '../crds';
import { mapping, text } from '../crds/spec';
import { switchProfile } from '../crds/switchProfiles';

export interface PortUse {
  port: string;
  connection: string;
  connectionId: number;
  connectionSlug: string;
  type: string | null;
  peers: string;
}

export interface MappedPort {
  port: string;
  label: string | null;
  kind: 'management' | 'group' | 'speed' | 'breakout';
  /** The breakout mode (`4x25G`) or the speed (`25G`), as set on the switch or the profile's default. */
  mode: string | null;
  /** Whether the mode is set on the switch rather than the profile's default. */
  configured: boolean;
  /** The Connections on the port itself (or its first lane, the same port). */
  uses: PortUse[];
  /** The lanes of a port broken out into more than one, each with its Connections. */
  lanes: { port: string; uses: PortUse[] }[];
  free: boolean;
}

export interface PortMap {
  profile: string;
  displayName: string;
  ports: MappedPort[];
  /** Connections on ports the profile does not have. */
  unknown: PortUse[];
  summary: { ports: number; used: number; free: number };
}

/** The port map of a Switch, or null when its profile is not a known one. */
export function switchPortMap(spec: Spec, connections: PortConnection[]): PortMap | null {
  const name = text(spec.profile);
  const profile = name ? switchProfile(name) : undefined;
  if (!name || !profile) return null;
  const breakouts = mapping(spec.portBreakouts) ?? {};
  const speeds = mapping(spec.portSpeeds) ?? {};
  const groupSpeeds = mapping(spec.portGroupSpeeds) ?? {};
  const byPort = new Map<string, PortUse[]>();
  for (const c of connections) {
    const list = byPort.get(c.port);
    if (list) list.push(c);
    else byPort.set(c.port, [c]);
  }
  const claimed = new Set<string>();
  const take = (port: string) => {
    claimed.add(port);
    return byPort.get(port) ?? [];
  };

  const ports: MappedPort[] = Object.entries(profile.ports).map(([port, p]) => {
    let kind: MappedPort['kind'];
    let mode: string | null = null;
    let configured = false;
    let laneCount = 1;
    if (p.management) kind = 'management';
    else if (p.group) {
      kind = 'group';
      const set = text(groupSpeeds[p.group]);
      const groupProfile = profile.portGroups?.[p.group]?.profile;
      mode = set ?? (groupProfile ? (profile.portProfiles?.[groupProfile]?.speed?.default ?? null) : null);
      configured = !!set;
    } else {
      const pp = p.profile ? profile.portProfiles?.[p.profile] : undefined;
      if (pp?.breakout) {
        kind = 'breakout';
        const set = text(breakouts[port]);
        mode = set ?? pp.breakout.default;
        configured = !!set;
        laneCount = Number(/^(\d+)x/.exec(mode)?.[1] ?? 1);
      } else {
        kind = 'speed';
        const set = text(speeds[port]);
        mode = set ?? pp?.speed?.default ?? null;
        configured = !!set;
      }
    }
    // `E1/5` and its first lane `E1/5/1` are the same port.
    const uses = [...take(port), ...(kind === 'breakout' && laneCount === 1 ? take(`${port}/1`) : [])];
    const lanes =
      laneCount > 1
        ? Array.from({ length: laneCount }, (_, i) => {
            const lane = `${port}/${i + 1}`;
            return { port: lane, uses: i === 0 ? [...uses.splice(0), ...take(lane)] : take(lane) };
          })
        : [];
    const free = kind !== 'management' && uses.length === 0 && lanes.every((l) => l.uses.length === 0);
    return { port, label: p.label ?? null, kind, mode, configured, uses, lanes, free };
  });
  const unknown = connections.filter((c) => !claimed.has(c.port));
  const data = ports.filter((p) => p.kind !== 'management');
  const free = data.filter((p) => p.free).length;
  return {
    profile: name,
    displayName: profile.displayName,
    ports,
    unknown,
    summary: { ports: data.length, used: data.length - free, free },
  };
}
