import { defineKind } from '../defineKind';
import { obj } from '../schema';

// A SwitchGroup is a marker object: only its name matters.
export const switchGroup = defineKind({
  kind: 'SwitchGroup',
  group: 'wiring.githedgehog.com',
  version: 'v1beta1',
  plural: 'switchgroups',
  shortNames: ['sg'],
  label: 'Switch group',
  labelPlural: 'Switch groups',
  specRequired: false,
  specSchema: obj({}),
  columns: [],
  references: () => [],
});
