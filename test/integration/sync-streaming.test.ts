// readFileOutcome validates each document as soon as it is parsed (streamYamlFile): what it
// gives must not depend on that, whatever comes later in the file.
import { describe, expect, it } from 'vitest';
import { parseYamlText, streamYamlText, type ParsedDocument } from '../../src/gitops/parse';
import { readFileOutcome } from '../../src/sync/read/fileOutcome';

const vpc = (name: string, extra = '') =>
  `apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: ${name}\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n${extra}`;
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}\n`;

describe('one document at a time', () => {
  it('a syntax error after valid and invalid documents fails the whole file, with only the syntax error', () => {
    const text = [vpc('vpc-1'), vpc('vpc-2', '  bogus: [1\n'), 'a: b\n  c: d\n'].join('---\n');
    const outcome = readFileOutcome('f.yaml', Buffer.from(text));
    expect(outcome).toMatchObject({
      failed: true,
      documents: 0,
      candidates: [],
      held: [],
      skipped: [],
      invalidCount: 0,
    });
    expect(outcome.errors).toEqual(parseYamlText(text).errors);
    expect(outcome.errors.length).toBeGreaterThan(0);
  });

  it('a document nested too deeply anywhere gives that one error, at the last such document', () => {
    const text = [vpc('vpc-1'), `deep: ${nested(150)}`, vpc('vpc-2'), `deeper: ${nested(150)}`].join('---\n');
    const seen: ParsedDocument[] = [];
    const errors = streamYamlText(text, (d) => seen.push(d));
    // Line 11 is the first deep document, line 23 the last.
    expect(errors).toEqual([{ line: 23, message: 'document nested too deeply (more than 100 levels)' }]);
    expect(parseYamlText(text)).toEqual({ documents: [], errors });
    expect(readFileOutcome('f.yaml', Buffer.from(text))).toMatchObject({ failed: true, errors, candidates: [] });
  });

  it('hands out the documents of a good file in order, with the lines parseYamlText gives', () => {
    const text = ['# a comment only\n', vpc('vpc-1'), vpc('vpc-2')].join('---\n');
    const seen: ParsedDocument[] = [];
    expect(streamYamlText(text, (d) => seen.push(d))).toEqual([]);
    const whole = parseYamlText(text).documents;
    expect(seen.map((d) => [d.index, d.line, d.value])).toEqual(whole.map((d) => [d.index, d.line, d.value]));
    expect(seen[1]!.lineOf(['spec', 'subnets', 'default', 'vlan'])).toBe(
      whole[1]!.lineOf(['spec', 'subnets', 'default', 'vlan']),
    );
    expect(readFileOutcome('f.yaml', Buffer.from(text)).candidates.map((c) => [c.name, c.line])).toEqual([
      ['vpc-1', seen[0]!.line],
      ['vpc-2', seen[1]!.line],
    ]);
  });
});
