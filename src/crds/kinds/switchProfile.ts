import { defineKind } from '../defineKind';
import type { FabricConfig } from '../fabricConfig';
import { availableProfile } from '../profileRules';
import { obj, opt, str } from '../schema';
import { issueAt, mapping, text } from '../spec';
import {
  builtinProfileNames,
  describeAvailability,
  portsSummary,
  PORTS_ANNOTATION,
  profileAvailability,
  switchProfile,
} from '../switchProfiles';
import { switchProfilePanels } from '../switchProfilePanels';
import type { BuiltinEntry, Issue, ObjectInfo, Spec } from '../types';

/**
 * JSON with sorted keys, so that two specs compare by content as the fabric compares the decoded
 * structs (equality.Semantic.DeepEqual): a field left out equals its zero value (false, "", 0, an
 * empty list or mapping), since every field of the type is `omitempty`.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const m = mapping(value);
  if (m)
    return `{${Object.keys(m)
      .filter((k) => !isZero(m[k]))
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(m[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  const m = mapping(v);
  return m !== null && Object.values(m).every(isZero);
}

/**
 * The fabric keeps its built-in profiles itself (PROFILES.md §2): it refuses a profile that is not
 * built in (fabricator sets allowExtraSwitchProfiles off) and any change to a built-in one. A copy
 * of a built-in profile, unchanged, is accepted.
 */
function checkConfig(spec: Spec, config: FabricConfig, object: ObjectInfo): Issue[] {
  const found = availableProfile(object.name, config);
  if ('missing' in found)
    return [
      issueAt(
        ['metadata', 'name'],
        `"${object.name}" is not a built-in SwitchProfile; the fabric allows only its default switch profiles (extra profiles are off)`,
      ),
    ];
  return canonical(spec) === canonical(found.profile)
    ? []
    : [
        issueAt(
          ['spec'],
          `differs from the built-in SwitchProfile "${object.name}"; default switch profiles are immutable (expected the built-in spec, or no document at all)`,
        ),
      ];
}

const portCount = (spec: Spec) => Object.keys(mapping(spec.ports) ?? {}).length;

export const switchProfileKind = defineKind({
  kind: 'SwitchProfile',
  group: 'wiring.githedgehog.com',
  version: 'v1beta1',
  plural: 'switchprofiles',
  shortNames: ['sp'],
  label: 'Switch profile',
  labelPlural: 'Switch profiles',
  specRequired: false,
  // A Switch's profile is checked against the built-in catalogue (its own crossCheck), not against records.
  unresolvedReferencesAccepted: true,
  specSchema: obj({ displayName: opt(str), nosType: opt(str), platform: opt(str), switchSilicon: opt(str) }),
  checkConfig,
  columns: [
    { key: 'displayName', label: 'Name', value: (spec) => text(spec.displayName), sortSql: "spec->>'displayName'" },
    { key: 'nosType', label: 'NOS', value: (spec) => text(spec.nosType), sortSql: "spec->>'nosType'", filter: {} },
    { key: 'silicon', label: 'Silicon', value: (spec) => text(spec.switchSilicon), sortSql: "spec->>'switchSilicon'" },
    { key: 'ports', label: 'Ports', value: portCount },
  ],
  references: () => [],
  panels: switchProfilePanels,
  builtins: builtinSwitchProfiles,
});

/** The built-in profiles as catalogue entries (not records of any fabric), read once. */
let entries: BuiltinEntry[] | undefined;
function builtinSwitchProfiles(): BuiltinEntry[] {
  entries ??= builtinProfileNames().map((name) => {
    const spec = switchProfile(name)!;
    return {
      name,
      spec: spec as unknown as Spec,
      annotations: { [PORTS_ANNOTATION]: portsSummary(spec) },
      availability: describeAvailability(profileAvailability(name)),
    };
  });
  return entries;
}
