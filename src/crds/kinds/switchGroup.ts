import { obj } from '../schema';
import type { KindDef } from '../types';

// A SwitchGroup is a marker object: only its name matters.
export const switchGroup: KindDef = {
  kind: 'SwitchGroup',
  group: 'wiring.githedgehog.com',
  version: 'v1beta1',
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  plural: 'switchgroups',
  slug: 'switchgroups',
  shortNames: ['sg'],
  label: 'Switch group',
  labelPlural: 'Switch groups',
  category: 'Wiring API',
  specRequired: false,
  specSchema: obj({}),
  columns: [],
  filters: [],
  references: () => [],
};
