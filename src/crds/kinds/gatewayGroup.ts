import { defineKind } from '../defineKind';
import { obj } from '../schema';
import { gatewayDisabled } from './gateway';

// A GatewayGroup is a marker object (`spec: {}`); the fabric's controllers create "default" by themselves.
export const gatewayGroup = defineKind({
  kind: 'GatewayGroup',
  group: 'gateway.githedgehog.com',
  version: 'v1alpha1',
  plural: 'gatewaygroups',
  shortNames: ['gwgr'],
  label: 'Gateway group',
  labelPlural: 'Gateway groups',
  specRequired: false,
  fabricDefault: 'default',
  specSchema: obj({}),
  checkConfig: gatewayDisabled,
  columns: [],
  references: () => [],
});
