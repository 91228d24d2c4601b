// The SwitchProfiles built into the fabric (fixtures/switch-profiles.json, extracted from the
// fabric's Go catalogue), read once on first use. Profiles are not user data: a Switch names one.

import { readFileSync } from 'node:fs';

export interface ProfilePort {
  nos: string;
  label?: string;
  group?: string;
  profile?: string;
  management?: boolean;
}

export interface PortProfile {
  speed?: { default: string; supported: string[] };
  breakout?: { default: string; supported: Record<string, { offsets: string[] }> };
  autoNegAllowed?: boolean;
}

export interface SwitchProfileSpec {
  displayName: string;
  ports: Record<string, ProfilePort>;
  portGroups?: Record<string, { nos: string; profile: string }>;
  portProfiles?: Record<string, PortProfile>;
}

let profiles: Record<string, SwitchProfileSpec> | undefined;

/** The built-in SwitchProfile of this name, or undefined. */
export function switchProfile(name: string): SwitchProfileSpec | undefined {
  profiles ??= JSON.parse(readFileSync(new URL('./switch-profiles.json', import.meta.url), 'utf8')) as Record<
    string,
    SwitchProfileSpec
  >;
  return Object.hasOwn(profiles, name) ? profiles[name] : undefined;
}

function all(): Record<string, SwitchProfileSpec> {
  switchProfile('vs');
  return profiles!;
}

/** The built-in profiles' names, in the catalogue's order (fabric's `RegisterAll`). */
export function builtinProfileNames(): string[] {
  return Object.keys(all());
}

/**
 * When a built-in profile exists (PROFILES.md §1): 16 always, the six `-clsp` ones when the fabric
 * configuration includes Celestica SONiC+ (`includeCLSP`), cumulus-vx when it includes Cumulus.
 */
export type ProfileAvailability = 'always' | 'includeCLSP' | 'includeCumulus';

export function profileAvailability(name: string): ProfileAvailability {
  if (name.endsWith('-clsp')) return 'includeCLSP';
  if (name === 'cumulus-vx') return 'includeCumulus';
  return 'always';
}

/** The availability in words, for pages. */
export function describeAvailability(a: ProfileAvailability): string {
  if (a === 'includeCLSP') return 'only when the fabric configuration includes Celestica SONiC+ (includeCLSP)';
  if (a === 'includeCumulus') return 'only when the fabric configuration includes Cumulus (includeCumulus)';
  return 'in every fabric configuration';
}

/**
 * The summary `Default()` writes to the annotation `fabric.githedgehog.com/ports`: data ports
 * counted per port profile (a grouped port by its group's), `-nb` suffix dropped, e.g.
 * `48xSFP28-25G, 8xQSFP28-100G`.
 */
export function portsSummary(spec: SwitchProfileSpec): string {
  const counts = new Map<string, number>();
  for (const port of Object.values(spec.ports ?? {})) {
    if (port.management) continue;
    const profile = port.profile ?? (port.group ? spec.portGroups?.[port.group]?.profile : undefined);
    if (!profile) continue;
    const name = profile.replace(/-nb$/, '');
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => `${n}x${name}`).join(', ');
}

export const PORTS_ANNOTATION = 'fabric.githedgehog.com/ports';
