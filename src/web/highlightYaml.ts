// Server-side highlighting of the YAML this app writes itself (yaml.stringify: block style,
// one key or list item per line). Every piece of the text is HTML-escaped before it is put
// next to a <span>, so the result is safe to mark as such in a template.

import { escapeHtml } from './html';

function span(cls: string, text: string): string {
  return text ? `<span class="${cls}">${escapeHtml(text)}</span>` : '';
}

const NUMBER_OR_CONSTANT =
  /^(?:[-+]?(?:\d[\d_]*)(?:\.\d*)?(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|true|false|null|~|\.inf|-\.inf|\.nan)$/;

function scalar(value: string): string {
  const trimmed = value.trimEnd();
  const rest = value.slice(trimmed.length);
  if (!trimmed || trimmed === '{}' || trimmed === '[]' || /^[|>][-+]?\d*$/.test(trimmed)) return escapeHtml(value);
  if (trimmed.startsWith('#')) return span('yaml-comment', value);
  return span(NUMBER_OR_CONSTANT.test(trimmed) ? 'yaml-num' : 'yaml-str', trimmed) + escapeHtml(rest);
}

/** Where a mapping key ends (the index of its `:`), or -1 when the text is not `key: value`. */
function keyEnd(text: string): number {
  if (text.startsWith('"') || text.startsWith("'")) {
    const quote = text[0]!;
    for (let i = 1; i < text.length; i++) {
      if (quote === '"' && text[i] === '\\') i++;
      else if (text[i] === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else return text[i + 1] === ':' && (i + 2 === text.length || text[i + 2] === ' ') ? i + 1 : -1;
      }
    }
    return -1;
  }
  if (/^[#[{&*!|>%@`]/.test(text)) return -1;
  const m = /:(?: |$)/.exec(text);
  return m ? m.index : -1;
}

function highlightLine(line: string, blockIndent: { value: number | null }): string {
  const indent = /^ */.exec(line)![0].length;
  if (blockIndent.value !== null) {
    if (line.trim() === '' || indent > blockIndent.value)
      return escapeHtml(line.slice(0, indent)) + span('yaml-str', line.slice(indent));
    blockIndent.value = null;
  }
  let out = escapeHtml(line.slice(0, indent));
  let text = line.slice(indent);
  while (text.startsWith('- ') || text === '-') {
    out += escapeHtml(text.slice(0, 2));
    text = text.slice(2);
  }
  if (text.startsWith('#')) return out + span('yaml-comment', text);
  const end = keyEnd(text);
  if (end < 0) return out + scalar(text);
  const value = text.slice(end + 1);
  // A block scalar (`|`, `|-`, `>`) continues on the lines indented deeper than its key.
  if (/^ [|>][-+]?\d*\s*$/.test(value)) blockIndent.value = line.length - text.length;
  return (
    out +
    span('yaml-key', text.slice(0, end)) +
    ':' +
    (value.startsWith(' ') ? ' ' + scalar(value.slice(1)) : escapeHtml(value))
  );
}

/** The YAML text as HTML with keys, strings, numbers and comments in yaml-* spans; all text escaped. */
export function highlightYaml(yamlText: string): string {
  const blockIndent = { value: null as number | null };
  return yamlText
    .split('\n')
    .map((line) => highlightLine(line, blockIndent))
    .join('\n');
}
