/** Names of the SwitchProfiles built into the fabric (CRDS.md §1.2); they are usually not in git. */

const CELESTICA = ['celestica-ds2000', 'celestica-ds3000', 'celestica-ds4000', 'celestica-ds4101', 'celestica-ds5000'];

export const BUILTIN_SWITCH_PROFILES: readonly string[] = [
  ...CELESTICA,
  'dell-s5232f-on',
  'dell-s5248f-on',
  'dell-z9332f-on',
  'edgecore-dcs203',
  'edgecore-dcs204',
  'edgecore-dcs240',
  'edgecore-dcs501',
  'edgecore-eps202',
  'edgecore-eps203',
  'supermicro-sse-c4632sb',
  'vs',
  // Celestica SONiC+ variants.
  ...CELESTICA.map((name) => `${name}-clsp`),
  'vs-clsp',
  'cumulus-vx',
];

const BUILTIN = new Set(BUILTIN_SWITCH_PROFILES);

/** True when the name is a built-in SwitchProfile. */
export function isBuiltinSwitchProfile(name: string): boolean {
  return BUILTIN.has(name);
}
