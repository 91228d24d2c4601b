import { stringify } from 'yaml';
// A line diff of two snapshots for the change log, written as YAML like the record page: common head and tail
// trimmed, then a longest-common-subsequence table on what is left. Snapshots are one object
// each, so the table stays small; past MAX_CELLS the middle is shown as removed then added.

const MAX_CELLS = 4_000_000;

export interface DiffLine {
  type: 'same' | 'add' | 'del';
  text: string;
  /** Line numbers on each side, null where the line does not exist on that side. */
  before: number | null;
  after: number | null;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** YAML with sorted keys (block style, as the record page writes it), so that two snapshots line up; null/undefined give no lines. */
export function prettyYaml(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  return stringify(sortKeys(value), { lineWidth: 0 }).trimEnd().split('\n');
}

/** JSON with sorted keys and two-space indents, so that two snapshots line up; null/undefined give no lines. */
export function prettyJson(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  return JSON.stringify(sortKeys(value), null, 2).split('\n');
}

function middle(a: string[], b: string[]): ('same' | 'add' | 'del')[] {
  if (a.length * b.length > MAX_CELLS) return [...a.map(() => 'del' as const), ...b.map(() => 'add' as const)];
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const ops: ('same' | 'add' | 'del')[] = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) [ops[ops.length], i, j] = ['same', i + 1, j + 1];
    // Removals before additions, as in a unified diff.
    else if (i < a.length && (j === b.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!))
      [ops[ops.length], i] = ['del', i + 1];
    else [ops[ops.length], j] = ['add', j + 1];
  }
  return ops;
}

/** The lines of `before` and `after` as one unified list, each marked same, added or removed. */
export function diffLines(before: string[], after: string[]): DiffLine[] {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  const ops = [
    ...Array<'same'>(head).fill('same'),
    ...middle(before.slice(head, before.length - tail), after.slice(head, after.length - tail)),
    ...Array<'same'>(tail).fill('same'),
  ];
  const out: DiffLine[] = [];
  let [i, j] = [0, 0];
  for (const type of ops) {
    if (type === 'same') out.push({ type, text: after[j]!, before: ++i, after: ++j });
    else if (type === 'del') out.push({ type, text: before[i]!, before: ++i, after: null });
    else out.push({ type, text: after[j]!, before: null, after: ++j });
  }
  return out;
}
