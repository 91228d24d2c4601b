// A changed multi-document file is parsed again with the hashes of its previous documents:
// documents whose text is unchanged are not composed or validated, and what they yielded is
// taken from the previous outcome, moved with them. The result must be what a full parse gives.
import { describe, expect, it } from 'vitest';
import { completeOutcome, readFileOutcome, type FileOutcome } from '../../src/sync/read/fileOutcome';
import { switchYaml } from '../helpers/fixtures';

const server = (name: string, description = name) =>
  `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: ${name}\nspec:\n  description: ${description}\n`;
// Invalid: an error (with its line) and a held identity.
const badVpc = `apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: bad\nspec:\n  subnets:\n    default:\n      subnet: 10.0.0.0/99\n`;
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';
const file = (...docs: string[]) => Buffer.from(docs.map((d) => `---\n${d}`).join('# a banner\n'));

/** The new outcome read with the previous one's document hashes, completed, and how many documents were reused. */
function reread(previous: FileOutcome, content: Buffer): { outcome: FileOutcome; reused: number } {
  const partial = readFileOutcome(previous.path, content, previous.parts?.hashes);
  const reused = [...(partial.parts?.from ?? [])].filter((i) => i >= 0).length;
  return { outcome: completeOutcome(partial, previous), reused };
}

describe('readFileOutcome with the previous document hashes', () => {
  const before = readFileOutcome(
    'racks/rack-1.yaml',
    file(server('s1'), badVpc, configMap, switchYaml('leaf-01'), server('s2')),
  );

  it('knows what each document yielded', () => {
    expect(before.parts?.hashes).toHaveLength(5);
    expect(before.invalidCount).toBe(1);
    expect(before.skippedCount).toBe(1);
    expect(before.held).toEqual(['VPC/default/bad']);
  });

  it('reuses unchanged documents, moving their lines, and gives what a full parse gives', () => {
    // A document inserted at the top moves every other one down; one document is edited.
    const after = file(server('s0'), server('s1'), badVpc, configMap, switchYaml('leaf-01'), server('s2', 'edited'));
    const { outcome, reused } = reread(before, after);
    expect(reused).toBe(4);
    expect(outcome).toEqual(readFileOutcome('racks/rack-1.yaml', after));
    const moved = outcome.errors[0]!.line - before.errors[0]!.line;
    // Six lines of the new document, its `---` and a banner.
    expect(moved).toBe(8);
    expect(outcome.candidates.find((c) => c.name === 'leaf-01')!.line).toBe(
      before.candidates.find((c) => c.name === 'leaf-01')!.line + moved,
    );
  });

  it('keeps no parts for a file of one document, also when it was reused from a longer file', () => {
    expect(readFileOutcome('s.yaml', file(server('s1'))).parts).toBeUndefined();
    // The last document of `before`, alone.
    const { outcome, reused } = reread(before, file(server('s2')));
    expect(reused).toBe(1);
    expect(outcome).toEqual(readFileOutcome('racks/rack-1.yaml', file(server('s2'))));
    expect(outcome.candidates.map((c) => [c.name, c.line])).toEqual([['s2', 2]]);
    const after = file(server('s2', 'edited'));
    expect(reread(before, after).outcome).toEqual(readFileOutcome('racks/rack-1.yaml', after));
  });

  it('shares one frozen list for every empty list of an outcome and keeps no spare room', () => {
    const one = readFileOutcome('a.yaml', file(server('s1')));
    const other = readFileOutcome('b.yaml', file(server('s2')));
    expect(one.errors).toBe(other.skipped);
    expect(Object.isFrozen(one.errors)).toBe(true);
    expect(() => (one.errors as unknown[]).push(1)).toThrow();
    expect(one.candidates).toHaveLength(1);
  });

  it('gives the errors of a full parse when the file no longer parses', () => {
    const after = file(server('s1'), badVpc, 'kind: [unclosed\n', switchYaml('leaf-01'));
    const { outcome } = reread(before, after);
    expect(outcome.failed).toBe(true);
    expect(outcome).toEqual(readFileOutcome('racks/rack-1.yaml', after));
  });

  it('does not reuse documents of a file with YAML directives', () => {
    const after = Buffer.from(`%YAML 1.2\n${file(server('s1'), server('s2')).toString()}`);
    const { outcome, reused } = reread(before, after);
    expect(reused).toBe(0);
    expect(outcome).toEqual(readFileOutcome('racks/rack-1.yaml', after));
  });

  it('reuses a document that moved to another place in the file, and drops removed ones', () => {
    // Without banners: a banner after a document is part of its text.
    const plain = (...docs: string[]) => Buffer.from(docs.map((d) => `---\n${d}`).join(''));
    const previous = readFileOutcome(
      'racks/rack-1.yaml',
      plain(server('s1'), badVpc, switchYaml('leaf-01'), server('s2')),
    );
    const after = plain(server('s2'), switchYaml('leaf-01'), server('s1'));
    const { outcome, reused } = reread(previous, after);
    expect(reused).toBe(3);
    expect(outcome).toEqual(readFileOutcome('racks/rack-1.yaml', after));
    expect(outcome.held).toEqual([]);
  });
});
