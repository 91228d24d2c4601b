/**
 * A SwitchProfile's page (a built-in one, or a document in git): the switch, its features, its
 * ports (NOS name, label, group, speeds or breakouts), port groups, the speeds and breakouts of
 * its port profiles, and its limits. Specs are read defensively: a document in git may be anything.
 */
import { portRuns } from './profileRules';
import { list, mapping, num, text } from './spec';
import type { Panel, PanelValue, Spec } from './types';

const FEATURES: [key: string, label: string][] = [
  ['subinterfaces', 'Subinterfaces'],
  ['acls', 'ACLs'],
  ['l2vni', 'L2VNI VPCs'],
  ['l3vni', 'L3VNI VPCs'],
  ['roce', 'RoCE'],
  ['mclag', 'MCLAG (deprecated)'],
  ['eslag', 'ESLAG'],
  ['ecmpRoCEQPN', 'ECMP RoCE QPN hashing'],
];

type Row = Record<string, PanelValue>;
const entries = (v: unknown) => Object.entries(mapping(v) ?? {}).map(([k, x]) => [k, mapping(x) ?? {}] as const);
const strings = (v: unknown) => list(v).filter((x): x is string => typeof x === 'string');

/** What a port profile allows: `25G (10G, 25G)`, `1x100G (1x100G, 4x25G, …)`. */
function speedsOf(profile: Record<string, unknown> | undefined): string | null {
  if (!profile) return null;
  const speed = mapping(profile.speed);
  if (speed) return `${text(speed.default) ?? '?'} (${strings(speed.supported).join(', ')})`;
  const breakout = mapping(profile.breakout);
  if (breakout)
    return `${text(breakout.default) ?? '?'} (${Object.keys(mapping(breakout.supported) ?? {}).join(', ')})`;
  return null;
}

function autoNegOf(profile: Record<string, unknown> | undefined): string | null {
  if (!profile?.autoNegAllowed) return null;
  return profile.autoNegDefault ? 'allowed, on by default' : 'allowed';
}

function switchPanel(spec: Spec): Panel {
  const rows: Row[] = [
    { field: 'Display name', value: text(spec.displayName) },
    { field: 'Other names', value: strings(spec.otherNames).join(', ') || null },
    { field: 'Switch silicon', value: text(spec.switchSilicon) },
    { field: 'NOS type', value: text(spec.nosType) },
    { field: 'Platform', value: text(spec.platform) },
    { field: 'Notes', value: text(spec.notes) },
  ];
  return {
    key: 'switch',
    title: 'Switch',
    columns: [
      { key: 'field', label: 'Field' },
      { key: 'value', label: 'Value' },
    ],
    rows: rows.filter((r) => r.value !== null),
  };
}

function featuresPanel(spec: Spec): Panel {
  const features = mapping(spec.features) ?? {};
  return {
    key: 'features',
    title: 'Features',
    columns: [
      { key: 'feature', label: 'Feature' },
      { key: 'supported', label: 'Supported' },
    ],
    rows: FEATURES.map(([key, label]) => ({ feature: label, supported: features[key] === true })),
  };
}

function portsPanel(spec: Spec): Panel {
  const groups = mapping(spec.portGroups) ?? {};
  const profiles = mapping(spec.portProfiles) ?? {};
  return {
    key: 'ports',
    title: 'Ports',
    columns: [
      { key: 'port', label: 'Port' },
      { key: 'nos', label: 'NOS name' },
      { key: 'label', label: 'Label' },
      { key: 'type', label: 'Type' },
      { key: 'group', label: 'Group' },
      { key: 'speeds', label: 'Speed or breakout (default, supported)' },
      { key: 'autoNeg', label: 'Auto-negotiation' },
      { key: 'pipeline', label: 'Pipeline' },
    ],
    rows: entries(spec.ports).map(([port, p]) => {
      const group = text(p.group);
      const profileName = text(p.profile) ?? (group ? text(mapping(groups[group])?.profile) : null);
      const profile = profileName ? (mapping(profiles[profileName]) ?? undefined) : undefined;
      const type =
        p.management === true
          ? 'management'
          : group
            ? 'grouped'
            : profile?.breakout
              ? 'breakout'
              : profile?.speed
                ? 'speed'
                : null;
      const base = text(p.baseNOSName);
      return {
        port,
        nos: base ? `${text(p.nos) ?? ''} (${base})` : text(p.nos),
        label: text(p.label),
        type,
        group,
        speeds: speedsOf(profile),
        autoNeg: autoNegOf(profile),
        pipeline: text(p.pipeline),
      };
    }),
  };
}

function portGroupsPanel(spec: Spec): Panel {
  const profiles = mapping(spec.portProfiles) ?? {};
  const members = new Map<string, string[]>();
  for (const [port, p] of entries(spec.ports)) {
    const g = text(p.group);
    if (g) members.set(g, [...(members.get(g) ?? []), port]);
  }
  return {
    key: 'port-groups',
    title: 'Port groups',
    columns: [
      { key: 'group', label: 'Group' },
      { key: 'nos', label: 'NOS' },
      { key: 'profile', label: 'Port profile' },
      { key: 'speeds', label: 'Speed (default, supported)' },
      { key: 'ports', label: 'Ports' },
    ],
    rows: entries(spec.portGroups).map(([group, g]) => {
      const profile = text(g.profile);
      return {
        group,
        nos: text(g.nos),
        profile,
        speeds: speedsOf(profile ? (mapping(profiles[profile]) ?? undefined) : undefined),
        ports: portRuns(members.get(group) ?? []) || null,
      };
    }),
  };
}

function portProfilesPanel(spec: Spec): Panel {
  const users = new Map<string, string[]>();
  const groups = mapping(spec.portGroups) ?? {};
  for (const [port, p] of entries(spec.ports)) {
    const g = text(p.group);
    const profile = text(p.profile) ?? (g ? text(mapping(groups[g])?.profile) : null);
    if (profile) users.set(profile, [...(users.get(profile) ?? []), port]);
  }
  return {
    key: 'port-profiles',
    title: 'Speeds and breakouts',
    columns: [
      { key: 'profile', label: 'Port profile' },
      { key: 'kind', label: 'Kind' },
      { key: 'default', label: 'Default' },
      { key: 'supported', label: 'Supported' },
      { key: 'autoNeg', label: 'Auto-negotiation' },
      { key: 'ports', label: 'Ports' },
    ],
    rows: entries(spec.portProfiles).map(([profile, pp]) => {
      const speed = mapping(pp.speed);
      const breakout = mapping(pp.breakout);
      const chosen = speed ?? breakout;
      return {
        profile,
        kind: speed ? 'speed' : breakout ? 'breakout' : null,
        default: text(chosen?.default),
        supported: speed
          ? strings(speed.supported).join(', ')
          : breakout
            ? Object.keys(mapping(breakout.supported) ?? {}).join(', ')
            : null,
        autoNeg: autoNegOf(pp),
        ports: portRuns(users.get(profile) ?? []) || null,
      };
    }),
  };
}

function limitsPanel(spec: Spec): Panel {
  const rows: Row[] = [];
  const maxPorts = num(spec.maxPorts);
  rows.push({ limit: 'Ports in all (lanes of broken-out ports counted)', value: maxPorts ?? 'no limit' });
  // Pipelines with the same limit in a row are one line: `pipelines 1-32: 10 each`.
  const pipelines = entries(spec.pipelines).map(([name, p]) => ({ name, max: num(p.maxPorts) }));
  let i = 0;
  while (i < pipelines.length) {
    let j = i;
    while (j + 1 < pipelines.length && pipelines[j + 1]!.max === pipelines[i]!.max) j++;
    const names = i === j ? `pipeline ${pipelines[i]!.name}` : `pipelines ${pipelines[i]!.name}-${pipelines[j]!.name}`;
    rows.push({ limit: `Ports in ${names}`, value: `at most ${pipelines[i]!.max ?? '?'}${i === j ? '' : ' each'}` });
    i = j + 1;
  }
  const maxPaths = num(mapping(spec.config)?.maxPathsEBGP);
  if (maxPaths !== null) rows.push({ limit: 'eBGP maximum paths', value: maxPaths });
  return {
    key: 'limits',
    title: 'Limits',
    columns: [
      { key: 'limit', label: 'Limit' },
      { key: 'value', label: 'Value' },
    ],
    rows,
  };
}

/** The panels of a SwitchProfile page. */
export function switchProfilePanels(spec: Spec): Panel[] {
  return [
    switchPanel(spec),
    featuresPanel(spec),
    limitsPanel(spec),
    portsPanel(spec),
    portGroupsPanel(spec),
    portProfilesPanel(spec),
  ];
}
