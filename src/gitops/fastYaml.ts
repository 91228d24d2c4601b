// A fast path for the YAML that fabrics are written in: block mappings and sequences indented
// with spaces, one-line plain and quoted scalars, `[a, b]`, `[]` and `{}`, comments, `---`.
// The `yaml` library lexes, parses into a syntax tree, composes a node tree and only then
// builds plain JS: most of a sync's CPU and almost all of its garbage. This builds plain JS in
// one pass over the text, for exactly the values the library gives (YAML 1.2 core schema).
//
// It accepts only text it is sure of: anything else (tabs, CR, anchors, aliases, tags, block
// scalars, multi-line scalars, explicit keys, directives, `...`, duplicate keys, anything odd
// about indentation) makes it give up on the whole text, and the library parses it instead,
// with its errors and messages. test/unit/gitops-fast-yaml.test.ts compares both on the corpus,
// generated fabrics and thousands of mutated documents.

/** A document as the library's syntax tree delimits it. */
export interface FastDocument {
  /** Offset of its `---`, or of its first content for a first document without one. */
  start: number;
  /** 1-based line of `start`. */
  startLine: number;
  /** Where the next document starts, or the end of the text. */
  end: number;
  /** 1-based line of its first content (where the library's root node starts); 0 when empty. */
  line: number;
  /** Plain JS value of its root (a mapping or a sequence); undefined for a document without content. */
  value: unknown;
}

// What the fast path leaves to the library: control characters other than LF, and the Unicode
// characters that YAML 1.1 or a BOM give meaning to.
const UNSUPPORTED_CHARS = /[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;
const DIRECTIVE_OR_DOCUMENT_END = /^(?:%|\.\.\.)/m;
// Keys longer than this may meet the library's 1024-character limit on implicit keys.
const MAX_KEY_LENGTH = 1000;
// Deeper nesting goes to the library, which applies its own limit with its own message.
const MAX_FAST_DEPTH = 64;
// One flow-sequence item: what cannot be confused with anything else in flow context.
const FLOW_ITEM = /^[A-Za-z0-9_./][A-Za-z0-9_./+-]*$/;

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

/** Thrown inside the fast path for anything it leaves to the library. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported('left to the yaml library');

const enum Line {
  Eof,
  DocumentStart,
  Content,
}

// V8 makes a substring of this many characters or more a view that keeps its whole text alive.
const SLICED_FROM = 13;

/**
 * The documents of `text`, or null when the fast path does not handle it (then the library
 * must parse it). `maxDepth` is the caller's nesting limit: deeper text is left to the library.
 * `ascii` is the text's bytes when it is pure ASCII: its long values are then strings of their
 * own, copied from the bytes, rather than views that keep the file's text alive for as long as
 * a value is (a sync keeps every value: ~15 MB of file texts at 50,000 records, issue 16).
 */
export function fastDocuments(text: string, maxDepth = 100, ascii?: Buffer): FastDocument[] | null {
  if (UNSUPPORTED_CHARS.test(text) || DIRECTIVE_OR_DOCUMENT_END.test(text)) return null;
  try {
    return new FastParser(text, Math.min(maxDepth - 1, MAX_FAST_DEPTH), ascii).documents();
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

class FastParser {
  private readonly text: string;
  private readonly depthLimit: number;
  /** Start of the next line not yet consumed, and its number. */
  private pos = 0;
  private lineNo = 1;
  // The current line (the first one from `pos` that is not blank or a comment), once peeked.
  private peeked = false;
  private type: Line = Line.Eof;
  private start = 0;
  private indent = 0;
  private content = 0;
  private end = 0;
  private line = 0;

  constructor(
    text: string,
    depthLimit: number,
    private readonly ascii?: Buffer,
  ) {
    this.text = text;
    this.depthLimit = depthLimit;
  }

  /** text.slice(from, to), not a view into the text when its bytes are at hand (see fastDocuments). */
  private cut(from: number, to: number): string {
    return this.ascii && to - from >= SLICED_FROM ? this.ascii.toString('latin1', from, to) : this.text.slice(from, to);
  }

  documents(): FastDocument[] {
    const docs: FastDocument[] = [];
    let doc: FastDocument | undefined;
    for (;;) {
      this.peek();
      if (this.type === Line.Eof) break;
      if (this.type === Line.DocumentStart) {
        if (doc) doc.end = this.start;
        doc = { start: this.start, startLine: this.line, end: this.text.length, line: 0, value: undefined };
        docs.push(doc);
        this.consume();
        continue;
      }
      if (!doc) {
        doc = { start: this.start, startLine: this.line, end: this.text.length, line: 0, value: undefined };
        docs.push(doc);
      } else if (doc.line) {
        // Content after the root node ended: an error the library reports.
        throw UNSUPPORTED;
      }
      if (this.indent !== 0) throw UNSUPPORTED;
      doc.line = this.line;
      doc.value = this.block(0, 1);
    }
    if (doc) doc.end = this.text.length;
    return docs;
  }

  /** Finds the current line: skips blank and comment lines from `pos`. */
  private peek(): void {
    if (this.peeked) return;
    this.peeked = true;
    const text = this.text;
    let pos = this.pos;
    let lineNo = this.lineNo;
    for (;;) {
      if (pos >= text.length) {
        this.type = Line.Eof;
        this.start = this.end = pos;
        this.line = lineNo;
        this.pos = pos;
        this.lineNo = lineNo;
        return;
      }
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      let c = pos;
      while (c < end && text.charCodeAt(c) === SPACE) c++;
      if (c === end || text.charCodeAt(c) === HASH) {
        pos = end + 1;
        lineNo++;
        continue;
      }
      this.pos = pos;
      this.lineNo = lineNo;
      this.start = pos;
      this.indent = c - pos;
      this.content = c;
      this.end = end;
      this.line = lineNo;
      this.type = Line.Content;
      if (c === pos) {
        const ch = text.charCodeAt(c);
        if (ch === DASH && text.startsWith('---', c)) {
          // `---`, optionally followed by a comment; anything else on its line is the library's.
          let k = c + 3;
          while (k < end && text.charCodeAt(k) === SPACE) k++;
          if (k < end && !(k > c + 3 && text.charCodeAt(k) === HASH)) throw UNSUPPORTED;
          this.type = Line.DocumentStart;
        } else if (ch === 0x2e && text.startsWith('...', c)) {
          throw UNSUPPORTED;
        }
      }
      return;
    }
  }

  private consume(): void {
    this.pos = this.end + 1;
    this.lineNo = this.line + 1;
    this.peeked = false;
  }

  /** Whether the current line's content is a sequence entry (`-` then a space or the end of the line). */
  private isEntry(): boolean {
    const c = this.content;
    return this.text.charCodeAt(c) === DASH && (c + 1 === this.end || this.text.charCodeAt(c + 1) === SPACE);
  }

  /** The node whose first line is the current one, at its indentation. */
  private block(indent: number, depth: number): unknown {
    return this.isEntry() ? this.sequence(indent, depth) : this.mapping(indent, depth);
  }

  private mapping(indent: number, depth: number): Record<string, unknown> {
    if (depth > this.depthLimit) throw UNSUPPORTED;
    const map: Record<string, unknown> = {};
    for (;;) {
      this.peek();
      if (this.type !== Line.Content || this.indent < indent) return map;
      if (this.indent > indent || this.isEntry()) throw UNSUPPORTED;
      this.pair(map, indent, depth);
    }
  }

  private sequence(indent: number, depth: number): unknown[] {
    if (depth > this.depthLimit) throw UNSUPPORTED;
    const seq: unknown[] = [];
    const text = this.text;
    for (;;) {
      this.peek();
      if (this.type !== Line.Content || this.indent < indent) return seq;
      if (this.indent > indent) throw UNSUPPORTED;
      // A line at the sequence's indentation that is not an entry ends it (a sequence at the
      // indentation of its mapping's key); if it cannot, the caller refuses it.
      if (!this.isEntry()) return seq;
      let v = this.content + 1;
      while (v < this.end && text.charCodeAt(v) === SPACE) v++;
      if (v === this.end || text.charCodeAt(v) === HASH) {
        this.consume();
        this.peek();
        seq.push(this.type === Line.Content && this.indent > indent ? this.block(this.indent, depth + 1) : null);
        continue;
      }
      const ch = text.charCodeAt(v);
      if (ch === DASH && (v + 1 === this.end || text.charCodeAt(v + 1) === SPACE)) throw UNSUPPORTED;
      if (this.keyEnd(v) >= 0) {
        // `- key: value`: a mapping whose keys are at the column of its first key.
        const column = v - this.start;
        this.indent = column;
        this.content = v;
        seq.push(this.mapping(column, depth + 1));
        continue;
      }
      seq.push(this.inline(v, depth));
      this.consume();
    }
  }

  /**
   * Where the implicit key starting at `p` on the current line ends (the offset of its `:`), or
   * -1 when the line holds no key there.
   */
  private keyEnd(p: number): number {
    const text = this.text;
    const end = this.end;
    const ch = text.charCodeAt(p);
    if (ch === DQUOTE || ch === SQUOTE) {
      const close = this.quotedEnd(p);
      if (close < 0) throw UNSUPPORTED;
      if (close < end && text.charCodeAt(close) === COLON) {
        if (close + 1 < end && text.charCodeAt(close + 1) !== SPACE) throw UNSUPPORTED;
        return close;
      }
      return -1;
    }
    let i = p;
    for (;;) {
      if (i >= end) return -1;
      if (text.charCodeAt(i) === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) break;
      i++;
    }
    // A comment before the colon: the colon is in the comment.
    return this.commentStart(p, i) < i ? -1 : i;
  }

  /** `key: value` or `key:` at the current line's content, into `map`. */
  private pair(map: Record<string, unknown>, indent: number, depth: number): void {
    const text = this.text;
    const p = this.content;
    const colon = this.keyEnd(p);
    if (colon < 0) throw UNSUPPORTED;
    let key: string;
    const ch = text.charCodeAt(p);
    if (ch === DQUOTE || ch === SQUOTE) key = this.quoted(p, colon);
    else {
      if (colon - p > MAX_KEY_LENGTH || text.charCodeAt(colon - 1) === SPACE) throw UNSUPPORTED;
      const source = this.cut(p, colon);
      checkPlainStart(source);
      const jsKey = resolvePlain(source);
      key = jsKey === null ? '' : String(jsKey);
    }
    // Duplicates are the library's (an error, or a silent overwrite of keys equal as text).
    if (key === '__proto__' || Object.prototype.hasOwnProperty.call(map, key)) throw UNSUPPORTED;
    let v = colon + 1;
    while (v < this.end && text.charCodeAt(v) === SPACE) v++;
    if (v === this.end || text.charCodeAt(v) === HASH) {
      this.consume();
      this.peek();
      map[key] =
        this.type !== Line.Content
          ? null
          : this.indent > indent
            ? this.block(this.indent, depth + 1)
            : this.indent === indent && this.isEntry()
              ? this.sequence(indent, depth + 1)
              : null;
      return;
    }
    map[key] = this.inline(v, depth);
    this.consume();
  }

  /** The scalar or flow collection from `v` to the end of the current line. */
  private inline(v: number, depth: number): unknown {
    const text = this.text;
    const end = this.end;
    const ch = text.charCodeAt(v);
    if (ch === DQUOTE || ch === SQUOTE) {
      const close = this.quotedEnd(v);
      if (close < 0) throw UNSUPPORTED;
      this.expectLineEnd(close);
      return this.quoted(v, close);
    }
    if (ch === 0x5b /* [ */) {
      if (depth + 1 > this.depthLimit) throw UNSUPPORTED;
      let close = v + 1;
      while (close < end && text.charCodeAt(close) !== 0x5d /* ] */) close++;
      if (close >= end) throw UNSUPPORTED;
      this.expectLineEnd(close + 1);
      if (close === v + 1) return [];
      const items = text.slice(v + 1, close).split(',');
      const seq: unknown[] = [];
      for (const raw of items) {
        const item = raw.trim();
        if (!FLOW_ITEM.test(item)) throw UNSUPPORTED;
        seq.push(resolvePlain(item));
      }
      return seq;
    }
    if (ch === 0x7b /* { */) {
      if (text.charCodeAt(v + 1) !== 0x7d /* } */) throw UNSUPPORTED;
      this.expectLineEnd(v + 2);
      return {};
    }
    // A plain scalar: to a comment or the end of the line, without trailing spaces.
    let stop = this.commentStart(v, end);
    while (stop > v && text.charCodeAt(stop - 1) === SPACE) stop--;
    const source = this.cut(v, stop);
    checkPlainStart(source);
    // `a: b: c` (a mapping in a compact one) and `a: b:` are the library's errors.
    if (source.charCodeAt(source.length - 1) === COLON || source.includes(': ')) throw UNSUPPORTED;
    return resolvePlain(source);
  }

  /** Offset of the first ` #` in [from, to), or `to`. */
  private commentStart(from: number, to: number): number {
    const text = this.text;
    for (let i = from + 1; i < to; i++)
      if (text.charCodeAt(i) === HASH && text.charCodeAt(i - 1) === SPACE) return i - 1;
    return to;
  }

  /** After a quoted scalar or a flow collection: only spaces, then the end of the line or a comment. */
  private expectLineEnd(k: number): void {
    const text = this.text;
    const from = k;
    while (k < this.end && text.charCodeAt(k) === SPACE) k++;
    if (k < this.end && !(k > from && text.charCodeAt(k) === HASH)) throw UNSUPPORTED;
  }

  /** Offset just past the closing quote of the quoted scalar at `p`, or -1 if it does not close on its line. */
  private quotedEnd(p: number): number {
    const text = this.text;
    const end = this.end;
    if (text.charCodeAt(p) === SQUOTE) {
      for (let i = p + 1; i < end; i++) {
        if (text.charCodeAt(i) !== SQUOTE) continue;
        if (text.charCodeAt(i + 1) !== SQUOTE) return i + 1;
        i++;
      }
      return -1;
    }
    for (let i = p + 1; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c /* \ */) i++;
      else if (c === DQUOTE) return i + 1;
    }
    return -1;
  }

  /** The value of the quoted scalar from `p` to `close` (just past its closing quote). */
  private quoted(p: number, close: number): string {
    const text = this.text;
    if (text.charCodeAt(p) === SQUOTE) {
      const inner = this.cut(p + 1, close - 1);
      return inner.includes("''") ? inner.replace(/''/g, "'") : inner;
    }
    const inner = this.cut(p + 1, close - 1);
    if (!inner.includes('\\')) return inner;
    let out = '';
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i]!;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const next = inner[++i]!;
      const simple = ESCAPES[next];
      if (simple !== undefined) out += simple;
      else if (next === 'x' || next === 'u') {
        const length = next === 'x' ? 2 : 4;
        const hex = inner.slice(i + 1, i + 1 + length);
        if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) throw UNSUPPORTED;
        out += String.fromCodePoint(parseInt(hex, 16));
        i += length;
      } else throw UNSUPPORTED;
    }
    return out;
  }
}

// The library's double-quoted escapes that stand for one fixed character.
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

/**
 * A plain scalar may not start with an indicator; `-` only when a non-space follows (`-1`, `-x`).
 * What looks like a document marker, and the merge key `<<`, are left to the library.
 */
function checkPlainStart(source: string): void {
  if (source.length === 0 || source.startsWith('---') || source.startsWith('...') || source.startsWith('<<'))
    throw UNSUPPORTED;
  switch (source.charCodeAt(0)) {
    case 0x2d /* - */:
      if (source.length === 1 || source.charCodeAt(1) === SPACE) throw UNSUPPORTED;
      return;
    case 0x3f /* ? */:
    case 0x3a /* : */:
    case 0x2c /* , */:
    case 0x5b /* [ */:
    case 0x5d /* ] */:
    case 0x7b /* { */:
    case 0x7d /* } */:
    case 0x23 /* # */:
    case 0x26 /* & */:
    case 0x2a /* * */:
    case 0x21 /* ! */:
    case 0x7c /* | */:
    case 0x3e /* > */:
    case 0x27 /* ' */:
    case 0x22 /* " */:
    case 0x25 /* % */:
    case 0x40 /* @ */:
    case 0x60 /* ` */:
      throw UNSUPPORTED;
  }
}

// The YAML 1.2 core schema's tags, tested in the library's order (src: yaml/dist/schema/core).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value, as the core schema resolves it. */
export function resolvePlain(source: string): unknown {
  const c = source.charCodeAt(0);
  // Most values are names: a letter that no tag's pattern starts with is a string.
  const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  if (letter && c !== 0x6e && c !== 0x4e && c !== 0x74 && c !== 0x54 && c !== 0x66 && c !== 0x46) return source;
  if (NULL.test(source)) return null;
  if (BOOL.test(source)) return c === 0x74 || c === 0x54;
  if (letter) return source;
  if (INT_OCT.test(source)) return parseInt(source.substring(2), 8);
  if (INT.test(source)) return parseInt(source, 10);
  if (INT_HEX.test(source)) return parseInt(source.substring(2), 16);
  if (FLOAT_NAN.test(source))
    return source.slice(-3).toLowerCase() === 'nan'
      ? NaN
      : source[0] === '-'
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(source) || FLOAT.test(source)) return parseFloat(source);
  return source;
}
