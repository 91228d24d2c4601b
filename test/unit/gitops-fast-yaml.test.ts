// The fast path of the YAML parser (src/gitops/fastYaml.ts) must give exactly what the `yaml`
// library gives (values, lines, offsets, document texts, the lines of any path) for every text
// it accepts, and accept no text that the library would refuse. Compared here on the corpus, on
// generated fabrics in both layouts, on tricky scalars and keys, and on thousands of mutated
// documents (a seeded, repeatable fuzz).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFabric, layoutFiles } from '../../bench/fabricGen';
import { fastDocuments } from '../../src/gitops/fastYaml';
import { streamYamlText, type ParsedDocument, type YamlPath } from '../../src/gitops/parse';
import { CORPUS } from '../helpers/sync';

/** Every path into a value (objects and arrays), the value's own path first. */
function pathsOf(value: unknown, path: YamlPath = []): YamlPath[] {
  const out: YamlPath[] = [path];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...path, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...path, k]));
  return out;
}

/**
 * What a parse hands out, in a comparable form: documents with the line of every path, document
 * texts, errors. `bytes`: the fast path copies long values out of an ASCII text's bytes, as a sync does.
 */
function parse(text: string, fast: boolean, bytes = false) {
  const documents: unknown[] = [];
  const texts: unknown[] = [];
  const errors = streamYamlText(
    text,
    (doc: ParsedDocument, offset: number) =>
      documents.push({
        offset,
        index: doc.index,
        line: doc.line,
        value: doc.value,
        // A missing path (and one past the end) gives the nearest existing parent's line.
        lines: [...pathsOf(doc.value), ['missing'], ['spec', 'nowhere', 3]].map((p) => [p, doc.lineOf(p)]),
      }),
    {
      fast,
      documentText: (t, line, offset) => {
        texts.push([t, line, offset]);
        return false;
      },
    },
    bytes && Buffer.byteLength(text) === text.length ? Buffer.from(text, 'latin1') : undefined,
  );
  return { documents: errors.length ? [] : documents, texts, errors };
}

/** The fast path's answer equals the library's, or the fast path left the text to it. */
function expectSame(text: string): 'fast' | 'library' {
  if (!fastDocuments(text)) return 'library';
  const library = parse(text, false);
  expect(library.errors, text).toEqual([]);
  expect(parse(text, true), text).toEqual(library);
  expect(parse(text, true, true), text).toEqual(library);
  return 'fast';
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const corpus = yamlFiles(CORPUS).map((f) => readFileSync(f, 'utf8'));
const generated = (['multi-document', 'file-per-record'] as const).flatMap((layout) => [
  ...layoutFiles(generateFabric(1000), layout).values(),
]);

describe('the fast YAML path', () => {
  it('gives what the library gives on every corpus file, and takes most of them', () => {
    const taken = corpus.map(expectSame).filter((w) => w === 'fast').length;
    expect(taken).toBeGreaterThan(corpus.length * 0.8);
  });

  it('takes every file of a generated fabric, in both layouts, with the same result', () => {
    for (const text of generated.slice(0, 300)) expect(expectSame(text)).toBe('fast');
    for (const text of generated) expect(fastDocuments(text)).not.toBeNull();
  });

  const scalars = [
    ...['', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'yes', 'on', 'off'],
    ...['0o17', '0o8', '017', '0x1F', '0X1F', '0xg', '+12', '-0', '+0', '-a', '1e3', '1E+3', '1.', '.5', '.'],
    ...['.inf', '-.Inf', '+.INF', '.NaN', '.nan', '1_000', '10:20:30', '12345678901234567890', '1.50', '-1.5e-3'],
    ...["'it''s'", "''", '""', '"esc\\n\\u00e9\\x41\\t\\"\\\\\\/\\_\\ "', '"\\u12"', '"\\U0001F600"', '"bad\\q"'],
    ...['[a, b]', '[]', '[ ]', '[a,]', '[a,b] #c', '[a,b]#c', '[1, 2.5, true, null, ~]', '[.inf, 0x10, 0o7, 1e2]'],
    ...['{}', '{ }', '{a: 1}', 'a #b', 'a#b', 'a: b', 'b:', 'a:b', 'x]', 'x}', 'x{y}', 'http://x:80/y', 'a  b'],
    ...['a   #  c', 'é ü', "a'b", 'a"b', "'a' #c", '"a"#c', '"a" b', 'constructor', 'toString', 'a ,b'],
    ...['- a', '-', 'x:', '"a":', '&x a', '*x', '!!str 1', '|', '>-', '@x', '`x', '%x', ',x', '?x', ':x'],
    ...['--- x', '---', '...', 'a ...', '<<', '__proto__', '"unterminated', "'a''"],
  ];
  const keys = [
    ...['1', '01', '0x1', 'true', 'null', '~', '"q"', "'q'", '"a b"', '"a\\"b"', 'a b', 'x:y', 'http://h', '-k'],
    ...['constructor', '__proto__', '<<', '.inf', '.NaN', '1.0', '1.50', '"1"', 'é', 'a#b', 'a #b', "it's", '[k]'],
  ];

  it.each(scalars)('reads the scalar %j as the library does, or leaves it to it', (s) => {
    expectSame(`a: ${s}\nb:\n- ${s}\n- k: ${s}\n`);
  });

  it.each(keys)('reads the key %j as the library does, or leaves it to it', (k) => {
    expectSame(`${k}: v\nm:\n  ${k}: w\n  ${k}x: y\n`);
  });

  it.each([
    ['a sequence at its key’s indentation', 'a:\n- 1\n- 2\nb: 3\n'],
    ['compact mappings in a sequence', '- a: 1\n  b:\n  - x\n  c: 2\n- d\n'],
    ['empty entries and comments', '-\n  a: 1\n-\n- # c\n  b: 2\n'],
    ['comment lines at any indentation', 'a: 1\n  # c\n   # d\n  \nb: 2\n'],
    ['banners between documents', '# c\n---\na: 1\n# x\n---\n# only\n---\nb: 2\n'],
    ['a first document without ---', '\n\n# x\na: 1\n---\nb: 1\n'],
    ['an empty last document', 'a: 1\n---\n'],
    ['a comment after the key', 'a: # c\n  b: 1\n'],
    ['a comment after ---', '--- # c\na: 1\n'],
    ['a sequence at the root', '---\n- 1\n- 2\n'],
    ['indented entries', 'a:\n    - 1\n    - 2\nb: 1\n'],
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n'],
    ['keys equal as text', '1: a\n"1": b\n'],
    ['a continued plain scalar', 'a: b\n  c\n'],
    ['a misindented entry', 'a:\n  - 1\n - 2\n'],
    ['tabs', 'a:\n\tb: 1\n'],
    ['CRLF', 'a: 1\r\nb: 2\r\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a document end', 'a: 1\n...\n---\nb: 1\n'],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a block scalar', 'a: |\n  x\n'],
    ['a multi-line quoted scalar', 'a: "x\n  y"\n'],
    ['deep nesting', Array.from({ length: 120 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n'],
  ])('%s', (_name, text) => {
    expectSame(text);
  });

  it('gives what the library gives on 3,000 mutated documents (seeded)', () => {
    let seed = 20261127;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const seeds = [...corpus.filter((t) => t.length < 20_000), ...generated.slice(0, 20)];
    const mutate = (text: string): string => {
      const lines = text.split('\n');
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
        const i = Math.floor(random() * lines.length);
        const line = lines[i] ?? '';
        const indent = line.length - line.trimStart().length;
        const keyed = /^(\s*(?:- )?)([^:#]+)(:)( .*)?$/.exec(line);
        switch (Math.floor(random() * 12)) {
          case 0:
            lines[i] = ' '.repeat(Math.max(0, indent + pick([-2, -1, 1, 2, 4]))) + line.trimStart();
            break;
          case 1:
            lines.splice(i, 0, ' '.repeat(Math.floor(random() * 8)) + pick(['# c', '#', '#c: d', '', '  ']));
            break;
          case 2:
            if (keyed) lines[i] = `${keyed[1]}${keyed[2]}: ${pick(scalars)}`;
            break;
          case 3:
            if (keyed) lines[i] = `${keyed[1]}${pick(keys)}:${keyed[4] ?? ''}`;
            break;
          case 4:
            lines.splice(i, 0, line);
            break;
          case 5:
            lines.splice(i, 1);
            break;
          case 6:
            lines[i] = line.replace(/^(\s*)- /, '$1');
            break;
          case 7:
            lines[i] = ' '.repeat(indent) + '- ' + line.trimStart();
            break;
          case 8:
            lines.splice(i, 0, pick(['---', '--- # c', '---x', '--- a', '---  ', '...', '%YAML 1.2']));
            break;
          case 9:
            lines[i] = line + pick([' # c', '#c', ' ', ':', ': x', ' :']);
            break;
          case 10:
            lines[i] = line.replace(/^(\s*)- .*$/, `$1- ${pick(scalars)}`);
            break;
          case 11:
            lines.splice(i + 1, 0, `${' '.repeat(indent + pick([0, 1, 2, 3]))}${pick(['- ', ''])}${pick(keys)}: x`);
            break;
        }
      }
      return lines.join('\n');
    };
    let taken = 0;
    for (let i = 0; i < 3000; i++) if (expectSame(mutate(pick(seeds))) === 'fast') taken++;
    // The fuzz is only worth something if the fast path takes a good share of what it is given.
    expect(taken).toBeGreaterThan(600);
  });
});
