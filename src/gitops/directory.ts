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
