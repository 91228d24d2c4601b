// YAML files from git are parsed as YAML 1.2 (core schema), so that MAC addresses such as
// 10:20:30:40:50:59 and BGP communities such as 65102:50 stay strings and 0100 stays 100;
// PyYAML and other YAML 1.1 parsers turn them into sexagesimal or octal numbers.
//
// Hostile input must give an error, never a crash: nesting depth is measured on the parser's
// token tree (built without recursion) before the recursive composer runs, because a stack
// overflow deep inside the composer can surface as a fatal V8 error instead of a RangeError.

import { Composer, LineCounter, Parser, isMap, isScalar, isSeq, type CST, type Document, type ParsedNode } from 'yaml';
import { fastDocuments, type FastDocument } from './fastYaml';

export type YamlPath = readonly (string | number)[];

export interface ParsedDocument {
  /** Position among the non-empty documents of the file, from 0. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  /** Plain JS value (objects, arrays, strings, numbers, booleans, null). */
  value: unknown;
  /** Line of the node at `path` inside this document, or of its nearest existing parent. */
  lineOf(path: YamlPath): number;
  /** For documents expanded from a `kind: List`, the position in its `items`. */
  listItem?: number;
}

export interface ParseError {
  line: number;
  message: string;
}

export interface ParseResult {
  /** Empty whenever `errors` is not: a file with any error is not applied at all. */
  documents: ParsedDocument[];
  errors: ParseError[];
}

export interface ParseOptions {
  /** Alias dereferences allowed per document (a billion-laughs guard); default 100. */
  maxAliasCount?: number;
  /** Collections nested deeper than this are refused; default 100. */
  maxDepth?: number;
  /**
   * Called with the source text of each document (from its start to the next token of the
   * stream), the line it starts on and its offset, before it is composed; returning true skips
   * it: it is not composed, checked or handed out. A caller that parsed the same text before
   * knows what it yields. Not called for texts with directives (`%`) or document-end markers
   * (`...`), whose documents depend on what surrounds them.
   */
  documentText?: (text: string, line: number, offset: number) => boolean;
  /** False parses with the `yaml` library alone, without the fast path (./fastYaml.ts); tests compare both. */
  fast?: boolean;
}

const COMPOSER_OPTIONS = {
  version: '1.2',
  schema: 'core',
  uniqueKeys: true,
  merge: false,
  prettyErrors: false,
} as const;

/** Thrown by decodeUtf8 for content that is not UTF-8 text. */
export class FileDecodeError extends Error {
  readonly line: number;

  constructor(message: string, line = 1) {
    super(message);
    this.name = 'FileDecodeError';
    this.line = line;
  }
}

/** Decodes a file as UTF-8 text, dropping a BOM; throws FileDecodeError for binary files and invalid UTF-8. */
export function decodeUtf8(buf: Buffer): string {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new FileDecodeError('file is UTF-16 encoded; save it as UTF-8');
  }
  const nul = buf.indexOf(0);
  if (nul !== -1) throw new FileDecodeError('file is binary (it contains NUL bytes), not YAML text', lineAt(buf, nul));
  try {
    // TextDecoder drops a leading BOM by itself (ignoreBOM defaults to false).
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new FileDecodeError('file is not valid UTF-8 text', lineAt(buf, firstInvalidUtf8(buf)));
  }
}

/** Decodes and parses one YAML file; decoding problems become a file error like any other. */
export function parseYamlFile(buf: Buffer, opts: ParseOptions = {}): ParseResult {
  const documents: ParsedDocument[] = [];
  const errors = streamYamlFile(buf, (doc) => documents.push(doc), opts);
  return errors.length > 0 ? { documents: [], errors } : { documents, errors };
}

/** Parses a multi-document YAML text; empty and comment-only documents are skipped. */
export function parseYamlText(text: string, opts: ParseOptions = {}): ParseResult {
  const documents: ParsedDocument[] = [];
  const errors = streamYamlText(text, (doc) => documents.push(doc), opts);
  return errors.length > 0 ? { documents: [], errors } : { documents, errors };
}

/**
 * parseYamlFile one document at a time: `onDocument` gets each good document as soon as it is
 * composed, so that its syntax tree can go before the next one is built (a whole file's tree
 * kept alive was most of the parser's garbage-collection time). Returns the errors, sorted by
 * line; when there are any, the documents already handed out must be discarded, as
 * parseYamlFile does.
 */
export function streamYamlFile(
  buf: Buffer,
  onDocument: (doc: ParsedDocument, offset: number) => void,
  opts: ParseOptions = {},
): ParseError[] {
  let text: string;
  try {
    text = decodeUtf8(buf);
  } catch (error) {
    if (error instanceof FileDecodeError) return [{ line: error.line, message: error.message }];
    throw error;
  }
  // Pure ASCII (as long as its text): the fast path copies its long values out of the bytes.
  return streamYamlText(text, onDocument, opts, buf.length === text.length ? buf : undefined);
}

/** parseYamlText one document at a time; see streamYamlFile. */
export function streamYamlText(
  text: string,
  onDocument: (doc: ParsedDocument, offset: number) => void,
  opts: ParseOptions = {},
  ascii?: Buffer,
): ParseError[] {
  const maxAliasCount = opts.maxAliasCount ?? 100;
  const maxDepth = opts.maxDepth ?? 100;
  const fast = opts.fast === false ? null : fastDocuments(text, maxDepth, ascii);
  if (fast) return handOut(text, fast, onDocument, opts);
  const lineCounter = new LineCounter();
  const lineAtOffset = (offset: number): number => lineCounter.linePos(offset).line;
  const tooDeep = (offset: number): ParseError[] => [
    { line: lineAtOffset(offset), message: `document nested too deeply (more than ${maxDepth} levels)` },
  ];

  const errors: ParseError[] = [];
  let index = 0;
  const take = (doc: Document.Parsed): void => {
    for (const err of doc.errors) {
      const line = lineAtOffset(err.pos[0]);
      const column = lineCounter.linePos(err.pos[0]).col;
      const message =
        err.code === 'RESOURCE_EXHAUSTION'
          ? `document nested too deeply (more than ${maxDepth} levels)`
          : `YAML syntax error at column ${column}: ${firstLine(err.message)}`;
      errors.push({ line, message });
    }
    if (doc.errors.length > 0 || doc.contents === null) return;

    const contents = doc.contents;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (error) {
      errors.push({ line: lineAtOffset(contents.range[0]), message: aliasMessage(error, maxAliasCount) });
      return;
    }
    if (value === null || value === undefined) return;
    const nestedTooDeep = valueDepthExceeds(value, maxDepth);
    if (nestedTooDeep) {
      errors.push({
        line: lineAtOffset(contents.range[0]),
        message: `document nested too deeply (more than ${maxDepth} levels)`,
      });
      return;
    }
    onDocument(
      {
        index: index++,
        line: lineAtOffset(contents.range[0]),
        value,
        lineOf: (path) => lineAtOffset(offsetOf(contents, path)),
      },
      doc.range[0],
    );
  };

  // Nesting is checked on each document's tokens before it is composed. A file with a document
  // nested too deeply gives that one error (of its last such document) and nothing else, and so
  // does a composer that overflows its stack (at line 1, unless a later document is too deep).
  let deepAt: number | null = null;
  let composerOverflowed = false;
  const composer = new Composer(COMPOSER_OPTIONS);
  const compose = (docs: Iterable<Document.Parsed>): void => {
    let composed: Document.Parsed[];
    try {
      composed = [...docs];
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      composerOverflowed = true;
      return;
    }
    for (const doc of composed) take(doc);
  };
  const feed = (token: CST.Token): void => {
    if (token.type === 'document' && token.value) deepAt = findTooDeep([token], maxDepth) ?? deepAt;
    if (deepAt === null && !composerOverflowed) compose(composer.next(token));
  };
  // A document's text ends where the next token starts: with documentText, each document waits
  // for the next token before it is fed (the composer hands a document out only then anyway).
  const documentText = opts.documentText && !/^(?:%|\.\.\.)/m.test(text) ? opts.documentText : undefined;
  let waiting: CST.Document | null = null;
  const feedWaiting = (end: number): void => {
    const doc = waiting!;
    waiting = null;
    if (!documentText!(text.slice(doc.offset, end), lineAtOffset(doc.offset), doc.offset)) feed(doc);
  };
  const tokens = new Parser(lineCounter.addNewLine).parse(text);
  for (;;) {
    let next: IteratorResult<CST.Token>;
    try {
      next = tokens.next();
    } catch (error) {
      if (error instanceof RangeError) return tooDeep(0);
      throw error;
    }
    if (next.done) break;
    const token = next.value;
    if (waiting) feedWaiting(token.offset);
    if (documentText && token.type === 'document') waiting = token;
    else feed(token);
  }
  if (waiting) feedWaiting(text.length);
  if (deepAt !== null) return tooDeep(deepAt);
  if (!composerOverflowed) compose(composer.end());
  if (composerOverflowed) return tooDeep(0);
  return errors.sort((a, b) => a.line - b.line);
}

/**
 * The documents the fast path read, handed out as the library's would be (same values, lines,
 * offsets and document texts; a fast-path text has no errors). `lineOf` is only asked for
 * errors and list items: it composes that one document with the library, once.
 */
function handOut(
  text: string,
  docs: FastDocument[],
  onDocument: (doc: ParsedDocument, offset: number) => void,
  opts: ParseOptions,
): ParseError[] {
  let lineStarts: number[] | undefined;
  const lineAt = (offset: number): number => {
    lineStarts ??= linesOf(text);
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  let index = 0;
  for (const d of docs) {
    if (opts.documentText?.(text.slice(d.start, d.end), d.startLine, d.start)) continue;
    if (d.value === undefined) continue;
    let root: ParsedNode | null | undefined;
    onDocument(
      {
        index: index++,
        line: d.line,
        value: d.value,
        lineOf: (path) => {
          root ??= composeAlone(text.slice(d.start, d.end));
          return root ? lineAt(d.start + offsetOf(root, path)) : d.line;
        },
      },
      d.start,
    );
  }
  return [];
}

/** The root node of the first document of `text`, composed by the library. */
function composeAlone(text: string): ParsedNode | null {
  for (const doc of new Composer(COMPOSER_OPTIONS).compose(new Parser().parse(text))) return doc.contents;
  return null;
}

/** Offsets where each line of `text` starts. */
function linesOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function aliasMessage(error: unknown, maxAliasCount: number): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/alias count/i.test(text))
    return `too many aliases: the document expands more than ${maxAliasCount} aliases (a YAML bomb?)`;
  if (/Unresolved alias/i.test(text)) return `YAML error: ${firstLine(text)}`;
  if (error instanceof RangeError) return 'document nested too deeply';
  return `YAML error: ${firstLine(text)}`;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).replace(/ at line \d+, column \d+:?$/, '');
}

/** Offset of the node at `path`: for map entries the key's position, the line people look for. */
function offsetOf(root: ParsedNode, path: YamlPath): number {
  let node: ParsedNode = root;
  let offset = root.range[0];
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) break;
      const key = pair.key as ParsedNode;
      offset = key.range[0];
      if (!pair.value) break;
      node = pair.value as ParsedNode;
    } else if (isSeq(node)) {
      const item = typeof step === 'number' ? node.items[step] : undefined;
      if (!item) break;
      node = item as ParsedNode;
      offset = node.range[0];
    } else {
      break;
    }
  }
  return offset;
}

/** Offset of the first collection nested deeper than `maxDepth`, walking the token tree without recursion. */
function findTooDeep(tokens: CST.Token[], maxDepth: number): number | null {
  const stack: [CST.Token, number][] = [];
  for (const token of tokens) if (token.type === 'document' && token.value) stack.push([token.value, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > maxDepth) return token.offset;
    for (const item of token.items) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return null;
}

/** True when a composed value (aliases expanded) nests deeper than `maxDepth`. */
function valueDepthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < buf.length; i++) if (buf[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > buf.length) return i;
    for (let k = 1; k < len; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return buf.length;
}
