import { FIXTURES } from '../helpers/fixtures';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandDocuments, stripServerFields } from '../../src/gitops/documents';
import { parseYamlFile, parseYamlText } from '../../src/gitops/parse';

describe('expandDocuments', () => {
  it('replaces a kind: List by its items, with lines pointing into each item', () => {
    const text = [
      'apiVersion: vpc.githedgehog.com/v1beta1', // 1
      'kind: VPC',
      'metadata: {name: first}',
      '---',
      'apiVersion: v1', // 5
      'kind: List',
      'items:',
      '  - apiVersion: vpc.githedgehog.com/v1beta1', // 8
      '    kind: VPC',
      '    metadata:',
      '      name: a', // 11
      '  - apiVersion: vpc.githedgehog.com/v1beta1', // 12
      '    kind: VPC',
      '    metadata:',
      '      name: b', // 15
    ].join('\n');
    const docs = expandDocuments(parseYamlText(text).documents);
    expect(
      docs.map((d) => [d.index, d.listItem, d.line, (d.value as { metadata: { name: string } }).metadata.name]),
    ).toEqual([
      [0, undefined, 1, 'first'],
      [1, 0, 8, 'a'],
      [1, 1, 12, 'b'],
    ]);
    expect(docs[2]?.lineOf(['metadata', 'name'])).toBe(15);
  });

  it('fills apiVersion and kind of typed list items from the list', () => {
    const text = 'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPCList\nitems:\n  - metadata: {name: a}\n';
    const [doc] = expandDocuments(parseYamlText(text).documents);
    expect(doc?.value).toEqual({ apiVersion: 'vpc.githedgehog.com/v1beta1', kind: 'VPC', metadata: { name: 'a' } });
  });

  it('leaves documents that only look like lists alone', () => {
    const docs = parseYamlText(
      'kind: List\napiVersion: example.com/v1\nitems: [1]\n---\nkind: List\napiVersion: v1\nitems: nope\n',
    ).documents;
    expect(expandDocuments(docs)).toEqual(docs);
  });
});

describe('stripServerFields', () => {
  it('drops status, server-set metadata, last-applied annotation and derived fabric labels', () => {
    const exported = {
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      kind: 'Switch',
      metadata: {
        name: 'leaf-01',
        namespace: 'default',
        uid: 'abc',
        resourceVersion: '8929',
        generation: 3,
        creationTimestamp: '2026-03-02T16:04:57Z',
        managedFields: [{}],
        selfLink: '/x',
        deletionTimestamp: 'x',
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{}],
        labels: {
          'fabric.githedgehog.com/profile': 'vs',
          'vlanns.fabric.githedgehog.com/default': 'true',
          app: 'hedgehog',
        },
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
          'fabric.githedgehog.com/p2p-link': 'x',
        },
      },
      spec: { role: 'server-leaf' },
      status: { applied: {} },
    };
    expect(stripServerFields(exported)).toEqual({
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      kind: 'Switch',
      metadata: {
        name: 'leaf-01',
        namespace: 'default',
        labels: { app: 'hedgehog' },
        annotations: { 'fabric.githedgehog.com/p2p-link': 'x' },
      },
      spec: { role: 'server-leaf' },
    });
    expect(exported.status).toBeDefined();
  });

  it('removes label and annotation maps that stripping emptied', () => {
    const value = {
      metadata: {
        name: 'a',
        labels: { 'fabric.githedgehog.com/vpc': 'v' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
    };
    expect(stripServerFields(value)).toEqual({ metadata: { name: 'a' } });
  });

  it('passes non-objects through', () => {
    expect(stripServerFields('text')).toBe('text');
    expect(stripServerFields([1])).toEqual([1]);
    expect(stripServerFields(null)).toBeNull();
  });

  it('turns an exported Agent into its desired state', () => {
    const [doc] = parseYamlFile(
      readFileSync(`${FIXTURES}/corpus/fabric-samples/testdata/mesh-leaf-01.in.agent.yaml`),
    ).documents;
    const stripped = stripServerFields(doc?.value) as { metadata: Record<string, unknown>; status?: unknown };
    expect(stripped.status).toBeUndefined();
    expect(Object.keys(stripped.metadata).sort()).toEqual(['name', 'namespace']);
  });
});
