import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, FileDecodeError, parseYamlFile, parseYamlText } from '../../src/gitops/parse';

import { FIXTURES } from '../helpers/fixtures';

describe('parseYamlText', () => {
  it('keeps MAC addresses and BGP communities as strings and reads 0100 as decimal (YAML 1.2)', () => {
    const { documents, errors } = parseYamlText(
      'mac: 10:20:30:40:50:59\ncommunity: 65102:50\nvlan: 0100\nflag: on\nyes: no\n',
    );
    expect(errors).toEqual([]);
    expect(documents[0]?.value).toEqual({
      mac: '10:20:30:40:50:59',
      community: '65102:50',
      vlan: 100,
      flag: 'on',
      yes: 'no',
    });
  });

  it('keeps MACs used as map keys as strings', () => {
    const { documents } = parseYamlText('static:\n  10:20:30:40:50:59:\n    ip: 10.0.0.1\n');
    expect(Object.keys((documents[0]?.value as { static: object }).static)).toEqual(['10:20:30:40:50:59']);
  });

  it('gives each document of a stream its 1-based start line, skipping empty and comment-only ones', () => {
    const text = [
      '# header',
      '---',
      'kind: A',
      'metadata:',
      '  name: a',
      '---',
      '# just a comment',
      '---',
      '',
      '---',
      'kind: B',
      'metadata:',
      '  name: b',
      '...',
      '# trailing',
    ].join('\n');
    const { documents, errors } = parseYamlText(text);
    expect(errors).toEqual([]);
    expect(documents.map((d) => [d.index, d.line, (d.value as { kind: string }).kind])).toEqual([
      [0, 3, 'A'],
      [1, 11, 'B'],
    ]);
    expect(documents[1]?.lineOf(['metadata', 'name'])).toBe(13);
  });

  it('finds lines of nested nodes and falls back to the nearest existing parent', () => {
    const text = 'kind: VPC\nspec:\n  subnets:\n    default:\n      vlan: 1000\n  list:\n    - a\n    - b\n';
    const [doc] = parseYamlText(text).documents;
    expect(doc?.lineOf([])).toBe(1);
    expect(doc?.lineOf(['spec', 'subnets', 'default', 'vlan'])).toBe(5);
    expect(doc?.lineOf(['spec', 'list', 1])).toBe(8);
    expect(doc?.lineOf(['spec', 'subnets', 'missing', 'deeper'])).toBe(3);
    expect(doc?.lineOf(['spec', 'list', 7])).toBe(6);
  });

  it('treats a null document as empty', () => {
    expect(parseYamlText('~\n---\nnull\n---\n').documents).toEqual([]);
  });

  it('reports a syntax error with its line, and applies no document of that file', () => {
    const result = parseYamlText('kind: A\n---\nkind: B\nspec:\n  a: b: c\n');
    expect(result.documents).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.line).toBe(5);
    expect(result.errors[0]?.message).toMatch(/^YAML syntax error at column \d+: Nested mappings are not allowed/);
  });

  it('refuses duplicate keys', () => {
    const { errors } = parseYamlText('metadata:\n  name: a\n  name: b\n');
    expect(errors[0]).toMatchObject({ line: 3, message: expect.stringMatching(/Map keys must be unique/) });
  });

  it('refuses an alias bomb with "too many aliases"', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    ].join('\n');
    const { documents, errors } = parseYamlText(`kind: A\n---\n${bomb}\n`);
    expect(documents).toEqual([]);
    expect(errors).toEqual([{ line: 3, message: expect.stringMatching(/too many aliases/) }]);
  });

  it('resolves a few aliases within the limit', () => {
    const { documents } = parseYamlText('base: &b {x: 1}\ncopy: *b\n');
    expect(documents[0]?.value).toEqual({ base: { x: 1 }, copy: { x: 1 } });
  });

  it('reports an undefined alias as an error', () => {
    expect(parseYamlText('a: *nowhere\n').errors[0]?.message).toMatch(/alias/i);
  });

  it.each([
    ['flow sequences', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['flow mappings', '{a: '.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['compact block sequences', `${'- '.repeat(10_000)}x\n`],
    ['indented block mappings', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n'],
  ])('refuses 10,000 levels of %s with an error, not a crash', (_name, text) => {
    // Warm the parser up first: a deep stack in a cold regexp compile is what used to kill the process.
    for (let i = 0; i < 50; i++) parseYamlText('a: "x y"\nb: [1, {c: d}]\n');
    const { documents, errors } = parseYamlText(text);
    expect(documents).toEqual([]);
    expect(errors[0]?.message).toMatch(/document nested too deeply/);
  });

  it('accepts nesting up to the limit', () => {
    expect(parseYamlText('['.repeat(50) + ']'.repeat(50)).errors).toEqual([]);
    expect(parseYamlText('['.repeat(101) + ']'.repeat(101)).errors[0]?.message).toMatch(/more than 100 levels/);
  });

  it('reads CRLF line endings', () => {
    const { documents, errors } = parseYamlText('kind: A\r\nmetadata:\r\n  name: a\r\n---\r\nkind: B\r\n');
    expect(errors).toEqual([]);
    expect(documents.map((d) => d.value)).toEqual([{ kind: 'A', metadata: { name: 'a' } }, { kind: 'B' }]);
    expect(documents[1]?.line).toBe(5);
  });

  it('reads docs template placeholders like "name: #" as null', () => {
    expect(parseYamlText('metadata:\n  name: #\n').documents[0]?.value).toEqual({ metadata: { name: null } });
  });
});

describe('parseYamlFile', () => {
  it('reads the 46 documents of the seed prepop.yaml', () => {
    const { documents, errors } = parseYamlFile(
      readFileSync(`${FIXTURES}/seed-fabric-1/v1-735989ad/gitops/hedgehog/fabric-1/prepop.yaml`),
    );
    expect(errors).toEqual([]);
    expect(documents).toHaveLength(46);
    const kinds = documents.map((d) => (d.value as { kind: string }).kind);
    expect(kinds.filter((k) => k === 'Connection')).toHaveLength(26);
    expect(documents[0]?.line).toBeGreaterThan(1);
  });

  it('finds zero documents in an entirely commented-out file', () => {
    const result = parseYamlFile(readFileSync(`${FIXTURES}/corpus/demo-gitops/master/env-1/demo.reset.yaml`));
    expect(result).toEqual({ documents: [], errors: [] });
  });

  it('reports the unparsable docs sample as a file error', () => {
    const result = parseYamlFile(readFileSync(`${FIXTURES}/corpus/docs/user-guide__gateway-failover.block02.yaml`));
    expect(result.documents).toEqual([]);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors[0]?.line).toBeGreaterThan(1);
  });

  it('strips a BOM and reads CRLF', () => {
    const buf = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('kind: VPC\r\nmetadata:\r\n  name: v\r\n'),
    ]);
    const { documents, errors } = parseYamlFile(buf);
    expect(errors).toEqual([]);
    expect(documents[0]?.value).toEqual({ kind: 'VPC', metadata: { name: 'v' } });
    expect(documents[0]?.lineOf(['metadata', 'name'])).toBe(3);
  });

  it('reports invalid UTF-8 with its line', () => {
    const buf = Buffer.concat([Buffer.from('a: 1\nb: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    expect(parseYamlFile(buf)).toEqual({
      documents: [],
      errors: [{ line: 2, message: 'file is not valid UTF-8 text' }],
    });
  });

  it('reports binary content', () => {
    const buf = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
    expect(parseYamlFile(buf).errors[0]?.message).toMatch(/binary/);
  });
});

describe('decodeUtf8', () => {
  it('drops a BOM', () => {
    expect(decodeUtf8(Buffer.from('\ufeffa: 1', 'utf8'))).toBe('a: 1');
  });

  it('keeps multi-byte characters', () => {
    expect(decodeUtf8(Buffer.from('description: Ünïcödé ✓ 🦔'))).toBe('description: Ünïcödé ✓ 🦔');
  });

  it('throws a clear error on invalid bytes, NUL bytes and UTF-16', () => {
    expect(() => decodeUtf8(Buffer.from([0x61, 0xff]))).toThrow(new FileDecodeError('file is not valid UTF-8 text'));
    expect(() => decodeUtf8(Buffer.from('a\u0000b'))).toThrow(/NUL bytes/);
    expect(() => decodeUtf8(Buffer.from('\ufeffa: 1', 'utf16le'))).toThrow(/UTF-16/);
  });
});
