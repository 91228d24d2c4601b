import { defineKind } from '../defineKind';
import { list, obj, opt, str } from '../schema';
import { joined, list as asList, mapping, text } from '../spec';
import type { Spec } from '../types';

const nics = (spec: Spec) => asList(spec.nics).map((n) => mapping(n) ?? {});

// The fabric's type says "currently not used/implemented": Validate() checks metadata only, and no
// webhook or controller looks a ServerProfile up (a Server naming a missing one is accepted).
export const serverProfile = defineKind({
  kind: 'ServerProfile',
  group: 'wiring.githedgehog.com',
  version: 'v1beta1',
  plural: 'serverprofiles',
  shortNames: [],
  label: 'Server profile',
  labelPlural: 'Server profiles',
  specRequired: false,
  unresolvedReferencesAccepted: true,
  specSchema: obj({
    nics: opt(list(obj({ name: opt(str), ports: opt(list(obj({ name: opt(str) }))) }))),
  }),
  columns: [
    { key: 'nics', label: 'NICs', value: (spec) => joined(nics(spec).map((n) => text(n.name))) },
    {
      key: 'ports',
      label: 'Ports',
      value: (spec) => nics(spec).reduce((sum, n) => sum + asList(n.ports).length, 0),
    },
  ],
  references: () => [],
  panels: (spec) => [
    {
      key: 'nics',
      title: 'NICs',
      columns: [
        { key: 'nic', label: 'NIC' },
        { key: 'port', label: 'Port' },
      ],
      rows: nics(spec).flatMap((n) =>
        asList(n.ports).map((p) => ({ nic: text(n.name), port: text(mapping(p)?.name) })),
      ),
    },
  ],
});
