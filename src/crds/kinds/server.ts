import { defineKind } from '../defineKind';
import { refsTo } from '../refs';
import { portConnectionsOf } from './connection';
import { obj, opt, str } from '../schema';
import { text } from '../spec';
import type { Reference, Spec } from '../types';

function references(spec: Spec): Reference[] {
  const profile = text(spec.profile);
  return profile ? [{ kind: 'ServerProfile', name: profile, field: 'spec.profile' }] : [];
}

export const server = defineKind({
  kind: 'Server',
  group: 'wiring.githedgehog.com',
  version: 'v1beta1',
  plural: 'servers',
  shortNames: ['srv'],
  label: 'Server',
  labelPlural: 'Servers',
  specRequired: false,
  specSchema: obj({ description: opt(str), profile: opt(str) }),
  columns: [
    {
      key: 'description',
      label: 'Description',
      value: (spec) => text(spec.description),
      sortSql: "spec->>'description'",
    },
    {
      key: 'profile',
      label: 'Profile',
      value: (spec) => refsTo('ServerProfile', [text(spec.profile)]),
      sortSql: "spec->>'profile'",
    },
  ],
  references,
  portConnections: portConnectionsOf('server'),
});
