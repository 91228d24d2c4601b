/**
 * A fabric's own settings: the fabric configuration (src/crds/fabricConfig.ts) that its rules use
 * when its directory holds no Fabricator document. Stored on the Fabric as the values that differ
 * from Hedgehog's defaults, so that a fabric nobody configured follows the defaults, and shown
 * with each default beside it.
 */
import { z } from 'zod';
import { formatRanges, HEDGEHOG_DEFAULTS, type FabricConfig, type VlanRangeSetting } from '../crds/fabricConfig';
import { parseCidr, parseIPv4 } from '../crds/net';
import { ValidationError } from '../errors';

export type SettingKey = keyof FabricConfig;
type SettingType = 'cidr' | 'ip' | 'vlans' | 'mtu' | 'offset' | 'asn' | 'count' | 'mode' | 'feature' | 'flag';

export interface SettingDef {
  key: SettingKey;
  label: string;
  group: (typeof SETTING_GROUPS)[number];
  type: SettingType;
  /** Where a Fabricator document says it (spec.config.…), for the page and the messages. */
  fabricator: string;
  help: string;
}

export const SETTING_GROUPS = ['Subnets', 'VLANs', 'MTU', 'ASNs', 'Mode and features'] as const;

/** The fabric modes this fabric release knows (collapsed-core was removed). */
export const FABRIC_MODES = ['spine-leaf'] as const;

export const SETTINGS: readonly SettingDef[] = [
  {
    key: 'managementSubnet',
    label: 'Management subnet',
    group: 'Subnets',
    type: 'cidr',
    fabricator: 'control.managementSubnet',
    help: 'Switch management IPs lie in it; reserved.',
  },
  {
    key: 'controlVIP',
    label: 'Control node VIP',
    group: 'Subnets',
    type: 'cidr',
    fabricator: 'control.controlVIP',
    help: 'No switch may use this address.',
  },
  {
    key: 'managementDHCPStart',
    label: 'Management DHCP start',
    group: 'Subnets',
    type: 'ip',
    fabricator: 'fabric.managementDHCPStart',
    help: 'Switch management IPs lie below it.',
  },
  {
    key: 'fabricSubnet',
    label: 'Fabric subnet',
    group: 'Subnets',
    type: 'cidr',
    fabricator: 'fabric.fabricSubnet',
    help: 'Fabric, mesh and gateway link IPs lie in it; reserved.',
  },
  {
    key: 'protocolSubnet',
    label: 'Protocol subnet',
    group: 'Subnets',
    type: 'cidr',
    fabricator: 'fabric.protocolSubnet',
    help: 'Switch protocol IPs (loopbacks) lie in it; reserved.',
  },
  {
    key: 'vtepSubnet',
    label: 'VTEP subnet',
    group: 'Subnets',
    type: 'cidr',
    fabricator: 'fabric.vtepSubnet',
    help: 'Leaf VTEP IPs lie in it; reserved.',
  },
  {
    key: 'vpcWorkaroundSubnet',
    label: 'VPC workaround subnet',
    group: 'Subnets',
    type: 'cidr',
    fabricator: 'fabric.vpcWorkaroundSubnet',
    help: 'Reserved.',
  },
  {
    key: 'mclagSessionSubnet',
    label: 'MCLAG session subnet',
    group: 'Subnets',
    type: 'cidr',
    fabricator: 'fabric.mclagSessionSubnet',
    help: 'Reserved.',
  },
  {
    key: 'proxyExternalSubnet',
    label: 'Proxy external subnet',
    group: 'Subnets',
    type: 'cidr',
    fabricator: 'fabric.proxyExternalSubnet',
    help: 'Reserved.',
  },
  {
    key: 'vpcIRBVLANs',
    label: 'VPC IRB VLANs',
    group: 'VLANs',
    type: 'vlans',
    fabricator: 'fabric.vpcIRBVLANs',
    help: 'Ranges such as 3000-3899, comma separated; VLANNamespaces must stay outside them.',
  },
  {
    key: 'th5WorkaroundVLANs',
    label: 'TH5 workaround VLANs',
    group: 'VLANs',
    type: 'vlans',
    fabricator: 'fabric.th5WorkaroundVLANs',
    help: 'Ranges such as 3900-3999; VLANNamespaces must stay outside them.',
  },
  {
    key: 'fabricMTU',
    label: 'Fabric MTU',
    group: 'MTU',
    type: 'mtu',
    fabricator: '(fixed by Fabricator)',
    help: 'Bytes, 1280–9216.',
  },
  {
    key: 'serverFacingMTUOffset',
    label: 'Server-facing MTU offset',
    group: 'MTU',
    type: 'offset',
    fabricator: '(fixed by Fabricator)',
    help: 'Server-facing connections may use at most the fabric MTU minus this offset.',
  },
  {
    key: 'spineASN',
    label: 'Spine ASN',
    group: 'ASNs',
    type: 'asn',
    fabricator: 'fabric.spineASN',
    help: 'Every spine has this ASN.',
  },
  {
    key: 'leafASNStart',
    label: 'Leaf ASN range start',
    group: 'ASNs',
    type: 'asn',
    fabricator: 'fabric.leafASNStart',
    help: 'Leaf ASNs lie from here …',
  },
  {
    key: 'leafASNEnd',
    label: 'Leaf ASN range end',
    group: 'ASNs',
    type: 'asn',
    fabricator: 'fabric.leafASNEnd',
    help: '… to here (inclusive).',
  },
  {
    key: 'gatewayASN',
    label: 'Gateway ASN',
    group: 'ASNs',
    type: 'asn',
    fabricator: 'gateway.asn',
    help: 'The ASN of the gateways.',
  },
  {
    key: 'fabricMode',
    label: 'Fabric mode',
    group: 'Mode and features',
    type: 'mode',
    fabricator: 'fabric.mode',
    help: 'spine-leaf is the only mode of this fabric release; ESLAG and gateway connections need it.',
  },
  {
    key: 'enableGateway',
    label: 'Gateway',
    group: 'Mode and features',
    type: 'feature',
    fabricator: 'gateway.enable',
    help: 'Auto: on when the directory holds gateway documents (the mirror does not refuse a whole kind on a setting it cannot see). Off: gateway documents are invalid, as the fabric refuses them.',
  },
  {
    key: 'gatewayCommunities',
    label: 'Gateway communities',
    group: 'Mode and features',
    type: 'count',
    fabricator: 'gateway.communities',
    help: 'How many the fabric has: the most gateways one GatewayGroup may hold.',
  },
  {
    key: 'includeCLSP',
    label: 'Celestica SONiC+ switch profiles',
    group: 'Mode and features',
    type: 'flag',
    fabricator: 'fabric.includeCLSP',
    help: 'The six -clsp SwitchProfiles exist only when on.',
  },
  {
    key: 'includeCumulus',
    label: 'Cumulus switch profile',
    group: 'Mode and features',
    type: 'flag',
    fabricator: 'fabric.includeCumulus',
    help: 'The cumulus-vx SwitchProfile exists only when on.',
  },
];

const byKey = new Map(SETTINGS.map((s) => [s.key, s]));

/** The setting's value as text: `3000-3899`, `auto`, `on`, `172.30.0.0/21`. */
export function settingText(key: SettingKey, value: unknown): string {
  const def = byKey.get(key)!;
  if (def.type === 'vlans') return formatRanges(value as VlanRangeSetting[]);
  if (def.type === 'feature') return value === null ? 'auto' : value ? 'on' : 'off';
  if (def.type === 'flag') return value ? 'on' : 'off';
  return String(value);
}

const show = (value: unknown) => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

/** `3000-3899, 3900` (the form) into ranges; anything else is left for the schema to refuse. */
function rangesFromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^(\d+)\s*(?:-\s*(\d+))?$/.exec(part);
      return m ? { from: Number(m[1]), to: Number(m[2] ?? m[1]) } : part;
    });
}

function schemaOf(def: SettingDef): z.ZodType {
  const { label } = def;
  const example = settingText(def.key, HEDGEHOG_DEFAULTS[def.key]);
  const int = (min: number, max: number, what: string) =>
    z.preprocess(
      (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
      z.unknown().superRefine((v, ctx) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
          ctx.addIssue({ code: 'custom', message: `${label}: ${show(v)} is not ${what} (expected ${min}–${max})` });
      }),
    ) as z.ZodType<number>;
  switch (def.type) {
    case 'cidr':
      return z.string({ error: `${label}: expected a CIDR such as ${example}` }).refine((v) => parseCidr(v.trim()), {
        error: (issue) => `${label}: ${show(issue.input)} is not a CIDR (expected an IPv4 prefix such as ${example})`,
      });
    case 'ip':
      return z
        .string({ error: `${label}: expected an IPv4 address such as ${example}` })
        .refine((v) => parseIPv4(v.trim()) !== null, {
          error: (issue) => `${label}: ${show(issue.input)} is not an IPv4 address (expected e.g. ${example})`,
        });
    case 'vlans':
      return z.preprocess(
        rangesFromText,
        z.unknown().superRefine((v, ctx) => {
          const issue = (message: string) => ctx.addIssue({ code: 'custom', message: `${label}: ${message}` });
          if (!Array.isArray(v) || v.length === 0)
            return issue(`expected at least one VLAN range such as ${example}, got ${show(v)}`);
          for (const r of v as unknown[]) {
            const { from, to } = (r ?? {}) as { from?: unknown; to?: unknown };
            const vlan = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 4094;
            if (!vlan(from) || !vlan(to))
              return issue(`${show(r)} is not a VLAN range (expected from-to with VLANs 1–4094, e.g. ${example})`);
            if ((from as number) > (to as number))
              return issue(`the range ${from}-${to} starts after it ends (${from} > ${to}); expected ${to}-${from}`);
          }
        }),
      ) as z.ZodType<VlanRangeSetting[]>;
    case 'mtu':
      return int(1280, 9216, 'an MTU');
    case 'offset':
      return int(0, 9216 - 1280, 'an MTU offset');
    case 'asn':
      return int(1, 4_294_967_295, 'an ASN');
    case 'count':
      return int(1, 1000, 'a number of communities');
    case 'mode':
      return z.enum(FABRIC_MODES, {
        error: (i) => `${label}: ${show(i.input)} is not a fabric mode (expected ${FABRIC_MODES.join(' or ')})`,
      });
    case 'feature':
      // Form values: '' or auto (the default), on, off; JSON: null, true, false.
      return z.preprocess(
        (v) => (v === 'on' || v === 'true' ? true : v === 'off' || v === 'false' ? false : v === 'auto' ? null : v),
        z.boolean({ error: (i) => `${label}: ${show(i.input)} is not auto, on or off` }).nullable(),
      );
    case 'flag':
      return z.preprocess(
        (v) => (v === 'on' || v === 'true' ? true : v === 'off' || v === 'false' ? false : v),
        z.boolean({ error: (i) => `${label}: ${show(i.input)} is not on or off` }),
      );
  }
}

/** The normalised value (trimmed text, ranges in order) of a value the schema accepted. */
function normalise(def: SettingDef, value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (def.type === 'vlans') return (value as VlanRangeSetting[]).map((r) => ({ from: r.from, to: r.to }));
  return value;
}

const SCHEMAS = new Map(SETTINGS.map((def) => [def.key, schemaOf(def)]));

/**
 * A change of settings (API and form): each setting optional (absent: unchanged); null or an
 * emptied field puts it back to Hedgehog's default. A feature's null is its default too (auto).
 */
export type SettingsPatch = Partial<{ [K in SettingKey]: FabricConfig[K] | null }>;
export const SettingsPatch = z
  .strictObject(
    Object.fromEntries(
      SETTINGS.map((def) => [
        def.key,
        z.preprocess(
          (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
          SCHEMAS.get(def.key)!.nullable().optional(),
        ),
      ]),
    ),
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown setting ${issue.keys.map((k) => `"${k}"`).join(', ')}; the settings are ${SETTINGS.map((s) => s.key).join(', ')}`
          : undefined,
    },
  )
  .describe(
    "The fabric's settings (used when its directory holds no Fabricator document); null resets one",
  ) as unknown as z.ZodType<SettingsPatch>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The stored overrides of a fabric, read defensively: a value that no longer passes its schema
 * (or a setting that no longer exists) is left out, so it falls back to the default.
 */
export function storedOverrides(json: unknown): Partial<FabricConfig> {
  const out: Record<string, unknown> = {};
  if (!json || typeof json !== 'object' || Array.isArray(json)) return out;
  for (const [key, value] of Object.entries(json)) {
    const def = byKey.get(key as SettingKey);
    if (!def) continue;
    const parsed = SCHEMAS.get(def.key)!.safeParse(value);
    if (parsed.success) out[key] = normalise(def, parsed.data);
  }
  return out as Partial<FabricConfig>;
}

/** The configuration a fabric's settings describe: its overrides over Hedgehog's defaults. */
export function effectiveSettings(json: unknown): FabricConfig {
  return { ...HEDGEHOG_DEFAULTS, ...storedOverrides(json) };
}

/**
 * The overrides after a change: a null or default value drops the override. Checks what one
 * setting cannot check alone (a leaf ASN range that starts after it ends, an offset that leaves
 * no MTU) on the result, naming the field; throws a ValidationError.
 */
export function mergeSettings(json: unknown, patch: SettingsPatch | undefined): Partial<FabricConfig> {
  const next: Record<string, unknown> = { ...storedOverrides(json) };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === undefined) continue;
    const def = byKey.get(key as SettingKey)!;
    const normal = value === null ? null : normalise(def, value);
    if (normal === null || same(normal, HEDGEHOG_DEFAULTS[def.key])) delete next[key];
    else next[key] = normal;
  }
  const cfg: FabricConfig = { ...HEDGEHOG_DEFAULTS, ...(next as Partial<FabricConfig>) };
  const problems: Record<string, string> = {};
  if (cfg.leafASNStart > cfg.leafASNEnd)
    problems['settings.leafASNStart'] =
      `Leaf ASN range start: ${cfg.leafASNStart} is after the range's end ${cfg.leafASNEnd}; expected a start at most the end`;
  if (cfg.fabricMTU - cfg.serverFacingMTUOffset < 1280)
    problems['settings.serverFacingMTUOffset'] =
      `Server-facing MTU offset: ${cfg.serverFacingMTUOffset} leaves a server-facing MTU of ${cfg.fabricMTU - cfg.serverFacingMTUOffset} (fabric MTU ${cfg.fabricMTU} minus the offset); expected at least 1280`;
  if (Object.keys(problems).length) throw new ValidationError(problems);
  // Stored in the order of SETTINGS, so that equal settings are equal JSON.
  return Object.fromEntries(
    SETTINGS.filter((s) => s.key in next).map((s) => [s.key, next[s.key]]),
  ) as Partial<FabricConfig>;
}

/** True when two stored settings describe the same configuration. */
export function sameSettings(a: unknown, b: unknown): boolean {
  return same(effectiveSettings(a), effectiveSettings(b));
}

/** The settings for a page or the form: each with its value, default and whether it differs. */
export function describeSettings(json: unknown) {
  const cfg = effectiveSettings(json);
  return SETTING_GROUPS.map((group) => ({
    group,
    settings: SETTINGS.filter((s) => s.group === group).map((s) => ({
      ...s,
      value: settingText(s.key, cfg[s.key]),
      default: settingText(s.key, HEDGEHOG_DEFAULTS[s.key]),
      changed: !same(cfg[s.key], HEDGEHOG_DEFAULTS[s.key]),
    })),
  }));
}

/** The form's values of the settings: `settings.<key>` → text (feature and flag values: auto, on, off). */
export function settingsFormValues(json: unknown): Record<string, string> {
  const cfg = effectiveSettings(json);
  return Object.fromEntries(SETTINGS.map((s) => [`settings.${s.key}`, settingText(s.key, cfg[s.key])]));
}

/** The form's `settings.<key>` fields as one settings object (absent when the form has none). */
export function settingsFromForm(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries = Object.entries(body).filter(([k]) => k.startsWith('settings.'));
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k.slice('settings.'.length), v])) : undefined;
}
