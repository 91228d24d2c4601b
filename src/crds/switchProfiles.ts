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
