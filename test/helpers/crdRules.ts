// Helpers for the tests of the fabric's rules (test/unit/crds.fabric-rules*.test.ts): the errors
// of one document, the configuration errors, the warnings of a set of records, and small specs.
import { kindByName, type KindDef, type Spec } from '../../src/crds';
import { HEDGEHOG_DEFAULTS, type FabricConfig } from '../../src/crds/fabricConfig';
import { crossValidate, effectiveSpec, validateDocument, type CrossRecord } from '../../src/crds/validate';

export function kind(name: string): KindDef {
  const k = kindByName(name);
  if (!k) throw new Error(`no kind ${name}`);
  return k;
}

/** The error messages of one document. */
export function errors(kindName: string, spec: unknown, metadata: Record<string, unknown> = { name: 'x-1' }): string[] {
  const k = kind(kindName);
  return validateDocument({ apiVersion: k.apiVersion, kind: kindName, metadata, spec }, k).errors.map((e) => e.message);
}

/** The errors of the configuration-dependent rules, with Hedgehog's defaults unless given. */
export function configErrors(kindName: string, spec: Spec, config: FabricConfig = HEDGEHOG_DEFAULTS): string[] {
  const k = kind(kindName);
  return (k.checkConfig?.(effectiveSpec(k, spec), config, { name: 'x-1', annotations: {} }) ?? []).map(
    (i) => i.message,
  );
}

export const rec = (kindName: string, name: string, spec: Spec): CrossRecord => ({
  kind: kindName,
  namespace: 'default',
  name,
  spec,
});

/** The warning messages of one record among these, with Hedgehog's defaults unless given. */
export const warningsOf = (records: CrossRecord[], key: string, config: FabricConfig = HEDGEHOG_DEFAULTS) =>
  (crossValidate(records, config).get(key) ?? []).map((i) => i.message);

export const vpc = (subnet: Spec, extra: Spec = {}) => ({
  subnets: { default: { subnet: '10.0.1.0/24', vlan: 1001, ...subnet } },
  ...extra,
});
export const unbundled = (server: string, sw: string, extra: Spec = {}) => ({
  unbundled: { link: { server: { port: server }, switch: { port: sw } }, ...extra },
});
export const leaf = (extra: Spec = {}) => ({
  role: 'server-leaf',
  profile: 'vs',
  asn: 65101,
  ip: '172.30.0.11/21',
  protocolIP: '172.30.8.1/32',
  vtepIP: '172.30.12.1/32',
  ...extra,
});
