/**
 * A Switch checked against its SwitchProfile (PROFILES.md §4): the ports a connection may name,
 * port speeds, group speeds, breakouts, auto-negotiation, FEC, features and lane counts. The
 * fabric checks these with the profile object (cross-object), so they are warnings. Profiles
 * are the built-in catalogue, read once; the allowed port set is computed once per switch.
 */
import type { FabricConfig } from './fabricConfig';
import { mapping, text } from './spec';
import { profileAvailability, switchProfile } from './switchProfiles';
import type { Spec } from './types';

interface Port {
  nos: string;
  group?: string;
  profile?: string;
  management?: boolean;
  pipeline?: string;
}
interface PortProfile {
  speed?: { default: string; supported: string[] };
  breakout?: { default: string; supported: Record<string, unknown> };
  autoNegAllowed?: boolean;
}
export interface ProfileSpec {
  displayName: string;
  features?: Record<string, boolean>;
  ports: Record<string, Port>;
  portGroups?: Record<string, { nos: string; profile: string }>;
  portProfiles?: Record<string, PortProfile>;
  pipelines?: Record<string, { maxPorts: number }>;
  maxPorts?: number;
}

/** The built-in profile of this name as the fabric's configuration makes it available, or why not. */
export function availableProfile(name: string, config: FabricConfig): { profile: ProfileSpec } | { missing: string } {
  const profile = switchProfile(name) as ProfileSpec | undefined;
  if (!profile)
    return {
      missing: `SwitchProfile "${name}" is not one of the fabric's built-in profiles (e.g. "vs", "dell-s5248f-on"); expected a built-in profile name`,
    };
  const availability = profileAvailability(name);
  if (availability === 'includeCLSP' && !config.includeCLSP)
    return {
      missing: `SwitchProfile "${name}" exists only when the fabric configuration includes Celestica SONiC+ (Fabricator spec.config.fabric.includeCLSP)`,
    };
  if (availability === 'includeCumulus' && !config.includeCumulus)
    return {
      missing: `SwitchProfile "${name}" exists only when the fabric configuration includes Cumulus (Fabricator spec.config.fabric.includeCumulus)`,
    };
  return { profile };
}

/** Lanes of a breakout mode: `4x25G` → 4. */
const lanes = (mode: string) => Number(/^(\d+)x/.exec(mode)?.[1] ?? 1);

function portProfileOf(profile: ProfileSpec, port: Port): PortProfile | undefined {
  return port.profile ? profile.portProfiles?.[port.profile] : undefined;
}

/** The breakout mode a port runs in: the switch's setting, else its profile's default. */
function modeOf(profile: ProfileSpec, name: string, port: Port, sw: Spec): string | null {
  const breakout = portProfileOf(profile, port)?.breakout;
  if (!breakout) return null;
  return text(mapping(sw.portBreakouts)?.[name]) ?? breakout.default;
}

/** The port names the switch's API accepts (GetAPI2NOSPortsFor): management, E1/n, and E1/n/1..k of breakout ports. */
export function allowedPorts(profile: ProfileSpec, sw: Spec): Set<string> {
  const out = new Set<string>();
  for (const [name, port] of Object.entries(profile.ports)) {
    out.add(name);
    const mode = modeOf(profile, name, port, sw);
    if (mode) for (let k = 1; k <= lanes(mode); k++) out.add(`${name}/${k}`);
  }
  return out;
}

/** `M1, E1/1-E1/48, E1/49-E1/56` for messages. */
export function portSummary(profile: ProfileSpec): string {
  return portRuns(Object.keys(profile.ports));
}

/** Port names in profile order with runs of numbers joined: `M1, E1/1-E1/4, E1/9`. */
export function portRuns(names: readonly string[]): string {
  const parts: string[] = [];
  let run: { prefix: string; from: number; to: number } | null = null;
  const flush = () => {
    if (run)
      parts.push(run.from === run.to ? `${run.prefix}${run.from}` : `${run.prefix}${run.from}-${run.prefix}${run.to}`);
    run = null;
  };
  for (const name of names) {
    const m = /^(E\d+\/)(\d+)$/.exec(name);
    if (!m) {
      flush();
      parts.push(name);
      continue;
    }
    const n = Number(m[2]);
    if (run && run.prefix === m[1] && run.to === n - 1) run.to = n;
    else {
      flush();
      run = { prefix: m[1]!, from: n, to: n };
    }
  }
  flush();
  return parts.join(', ');
}

type Warn = (path: (string | number)[], message: string) => void;

/** The switch's port settings, features and lane counts against its profile. */
export function checkSwitchProfile(sw: Spec, name: string, profile: ProfileSpec, warn: Warn): void {
  const p = `SwitchProfile "${name}"`;
  const speed = (v: unknown) => (typeof v === 'string' ? v.replace(/^SPEED_/, '') : String(v));
  for (const [group, value] of Object.entries(mapping(sw.portGroupSpeeds) ?? {})) {
    const g = profile.portGroups?.[group];
    const supported = g ? profile.portProfiles?.[g.profile]?.speed?.supported : undefined;
    if (!g)
      warn(
        ['spec', 'portGroupSpeeds', group],
        `port group ${group} is not in ${p} (it has ${Object.keys(profile.portGroups ?? {}).join(', ') || 'no port groups'})`,
      );
    else if (supported && !supported.includes(speed(value)))
      warn(
        ['spec', 'portGroupSpeeds', group],
        `${speed(value)} is not supported by port group ${group} of ${p}; it allows ${supported.join(', ')}`,
      );
  }
  for (const [portName, value] of Object.entries(mapping(sw.portSpeeds) ?? {})) {
    const port = profile.ports[portName];
    const supported = port ? portProfileOf(profile, port)?.speed?.supported : undefined;
    if (!port)
      warn(['spec', 'portSpeeds', portName], `port ${portName} is not in ${p} (it has ${portSummary(profile)})`);
    else if (!supported)
      warn(
        ['spec', 'portSpeeds', portName],
        `port ${portName} of ${p} has no speed of its own (${port.group ? `it is in port group ${port.group}; set portGroupSpeeds` : 'it is a breakout port; set portBreakouts'})`,
      );
    else if (!supported.includes(speed(value)))
      warn(
        ['spec', 'portSpeeds', portName],
        `${speed(value)} is not supported by port ${portName} of ${p}; it allows ${supported.join(', ')}`,
      );
  }
  for (const [portName, value] of Object.entries(mapping(sw.portBreakouts) ?? {})) {
    const port = profile.ports[portName];
    const breakout = port ? portProfileOf(profile, port)?.breakout : undefined;
    if (!port)
      warn(['spec', 'portBreakouts', portName], `port ${portName} is not in ${p} (it has ${portSummary(profile)})`);
    else if (!breakout) warn(['spec', 'portBreakouts', portName], `port ${portName} of ${p} cannot be broken out`);
    else if (!(String(value) in breakout.supported))
      warn(
        ['spec', 'portBreakouts', portName],
        `${String(value)} is not a breakout mode of port ${portName} of ${p}; it allows ${Object.keys(breakout.supported).join(', ')}`,
      );
  }
  // A key of portAutoNegs / portFECs: the port it names, its sub-port lane, and its profile.
  const resolve = (key: string) => {
    const sub = /^(E\d+\/\d+)\/(\d+)$/.exec(key);
    const base = sub ? sub[1]! : key;
    const port = profile.ports[base];
    const mode = port ? modeOf(profile, base, port, sw) : null;
    return { port, base, lane: sub ? Number(sub[2]) : null, mode };
  };
  for (const key of Object.keys(mapping(sw.portAutoNegs) ?? {})) {
    const { port, lane, mode, base } = resolve(key);
    const pp = port ? portProfileOf(profile, port) : undefined;
    if (!port || port.management) {
      warn(['spec', 'portAutoNegs', key], `port ${key} is not a data port of ${p} (it has ${portSummary(profile)})`);
    } else if (!pp?.autoNegAllowed) {
      warn(['spec', 'portAutoNegs', key], `port ${key} of ${p} does not allow auto-negotiation`);
    } else if (mode && (lane === null || lane > lanes(mode))) {
      warn(
        ['spec', 'portAutoNegs', key],
        `port ${key} of ${p} runs ${mode}; auto-negotiation is set per sub-port, e.g. ${base}/1`,
      );
    } else if (!mode && lane !== null) {
      warn(['spec', 'portAutoNegs', key], `port ${base} of ${p} has no sub-ports; expected ${base}`);
    }
  }
  for (const key of Object.keys(mapping(sw.portFECs) ?? {})) {
    const { port, lane, mode, base } = resolve(key);
    if (!port || port.management) {
      warn(['spec', 'portFECs', key], `port ${key} is not a data port of ${p} (it has ${portSummary(profile)})`);
    } else if (mode && lane === null && lanes(mode) > 1) {
      warn(
        ['spec', 'portFECs', key],
        `port ${key} of ${p} runs ${mode}; a broken-out port must be configured per sub-port, e.g. ${base}/1`,
      );
    } else if (mode && lane !== null && lane > lanes(mode)) {
      warn(
        ['spec', 'portFECs', key],
        `port ${key} is not a sub-port of ${base} in mode ${mode} (${lanes(mode)} lane${lanes(mode) === 1 ? '' : 's'})`,
      );
    } else if (!mode && lane !== null) {
      warn(['spec', 'portFECs', key], `port ${base} of ${p} has no sub-ports; expected ${base}`);
    }
  }
  const features = profile.features ?? {};
  if (sw.roce === true && !features.roce) warn(['spec', 'roce'], `is true, but ${p} does not support RoCE`);
  if (mapping(sw.ecmp)?.roceQPN === true && !features.ecmpRoCEQPN)
    warn(['spec', 'ecmp', 'roceQPN'], `is true, but ${p} does not support ECMP RoCE QPN hashing`);
  if (mapping(sw.redundancy)?.type === 'eslag' && !features.eslag)
    warn(['spec', 'redundancy', 'type'], `is eslag, but ${p} does not support ESLAG`);
  // Lane counts: one per grouped or speed port, the lanes of its mode for a breakout port.
  if (profile.maxPorts || profile.pipelines) {
    let total = 0;
    const perPipeline = new Map<string, number>();
    for (const [portName, port] of Object.entries(profile.ports)) {
      if (port.management) continue;
      const mode = modeOf(profile, portName, port, sw);
      const n = mode ? lanes(mode) : 1;
      total += n;
      if (port.pipeline) perPipeline.set(port.pipeline, (perPipeline.get(port.pipeline) ?? 0) + n);
    }
    if (profile.maxPorts && total > profile.maxPorts)
      warn(['spec', 'portBreakouts'], `the breakouts make ${total} ports; ${p} allows at most ${profile.maxPorts}`);
    for (const [pipeline, count] of perPipeline) {
      const max = profile.pipelines?.[pipeline]?.maxPorts;
      if (max && count > max)
        warn(
          ['spec', 'portBreakouts'],
          `the breakouts make ${count} ports in pipeline ${pipeline}; ${p} allows at most ${max} there`,
        );
    }
  }
}
