// A fabric's gitops directory is joined onto the clone root, so it is normalised once, at the
// edge, into a form that cannot leave the clone: relative, '/'-separated, no '.' or '..'.

const MAX_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;

/** Thrown when a gitops directory cannot be used; the message says why. */
export class GitopsDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitopsDirectoryError';
  }
}

/**
 * Normalises a gitops directory to `a/b/c/` (trailing '/'), or '' for the repository root
 * ('', '.', './' and '/' all mean the root); throws GitopsDirectoryError on anything unsafe.
 */
export function normalizeGitopsDirectory(input: string): string {
  if (typeof input !== 'string') throw new GitopsDirectoryError('gitops directory must be a string');
  const value = input.trim();
  const fail = (why: string): never => {
    throw new GitopsDirectoryError(`gitops directory "${printable(value)}" ${why}`);
  };
  if (value.length > MAX_LENGTH) fail(`is longer than ${MAX_LENGTH} characters`);
  if (/[\u0000-\u001f\u007f]/.test(value)) fail('must not contain control characters');
  if (value.includes('\\')) fail("must use '/' as separator, not '\\'");
  if (value === '/') return '';
  if (value.startsWith('/')) fail("must be relative to the repository root (remove the leading '/')");
  if (/^[a-z]:/i.test(value)) fail('must be relative to the repository root, not a drive path');

  const segments: string[] = [];
  for (const segment of value.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') fail("must not contain '..'");
    if (segment.length > MAX_SEGMENT_LENGTH) fail(`has a path segment longer than ${MAX_SEGMENT_LENGTH} characters`);
    if (segment.toLowerCase() === '.git') fail('must not point into .git');
    segments.push(segment);
  }
  return segments.length === 0 ? '' : `${segments.join('/')}/`;
}

function printable(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return shown.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The existing directories nearest to a missing one, best first (at most `max`): directories of
 * the same name elsewhere, then the subdirectories of its deepest existing parent, closest names
 * first, then that parent itself. Dot-directories are left out (the scan skips them).
 */
export function nearestDirectories(existing: readonly string[], missing: string, max = 5): string[] {
  const dirs = existing.filter((d) => !d.split('/').some((s) => s.startsWith('.')));
  const have = new Set(dirs);
  const segments = missing.split('/').filter(Boolean);
  let depth = segments.length - 1;
  while (depth > 0 && !have.has(`${segments.slice(0, depth).join('/')}/`)) depth--;
  const parent = depth > 0 ? `${segments.slice(0, depth).join('/')}/` : '';
  const wanted = segments[depth] ?? '';
  const base = segments[segments.length - 1] ?? '';
  const sameName = dirs.filter((d) => d.split('/').at(-2) === base);
  const children = dirs
    .filter((d) => d.startsWith(parent) && d.slice(parent.length).split('/').length === 2)
    .sort((a, b) => distance(nameOf(a), wanted) - distance(nameOf(b), wanted) || (a < b ? -1 : 1));
  const out = [...new Set([...sameName, ...children, ...(parent ? [parent] : [])])];
  return out.slice(0, max);
}

const nameOf = (dir: string) => dir.split('/').at(-2) ?? '';

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
