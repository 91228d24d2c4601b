// The one redaction function for what the application produces: log lines, and git's output
// (src/gitops/git.ts). It is never applied to text that quotes a request or a repository's
// content on its way back to a user (error messages, change records): masking a quoted value
// that equals a registered secret would tell the user that it is one.

const MASK = '***';
const known = new Set<string>();
const SENSITIVE_KEY = /pass(word|phrase)?|secret|token|authorization|cookie|private_?key|credential/i;

/** Marks a secret so that it, its base64 and its URL-encoded forms are masked wherever they appear. */
export function registerSecret(secret: string | undefined | null): void {
  if (!secret || secret.length < 4) return;
  for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)]) known.add(form);
  // Multi-line secrets (private keys) are also masked line by line.
  for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 16) known.add(line.trim());
}

/** Masks secrets in a string: registered values and credentials embedded in URLs. */
export function redactText(text: string): string {
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*(:[^/\s@]*)?@/gi, `$1${MASK}@`);
  out = out.replace(/(authorization:\s*(basic|bearer|token)\s+)[^\s"']+/gi, `$1${MASK}`);
  out = out.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, MASK);
  for (const s of known) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/**
 * Returns a copy of `value` with secrets masked: strings, errors, nested values, and the values
 * of sensitive keys (unless `keys` is false, for structures whose keys are field names).
 */
export function redact<T>(value: T, depth = 0, keys = true): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Date) return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), stack: value.stack && redactText(value.stack) } as T;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, keys)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      keys && SENSITIVE_KEY.test(k) && v !== null && v !== undefined && typeof v !== 'boolean'
        ? MASK
        : redact(v, depth + 1, keys);
  }
  return out as T;
}

/**
 * A copy of `value` with the values of sensitive keys (secret, password, token...) masked and
 * nothing else changed: for snapshots of what a user entered, where masking registered values
 * would be an oracle (see above).
 */
export function maskSensitiveKeys<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > 8 || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => maskSensitiveKeys(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SENSITIVE_KEY.test(k) && v !== null && v !== undefined && typeof v !== 'boolean'
        ? MASK
        : maskSensitiveKeys(v, depth + 1);
  }
  return out as T;
}
