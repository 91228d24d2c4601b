// Local masking of the secrets of one git call, so that gitops is safe even before (or without)
// the process-wide registry in src/secrets/redact.

const MASK = '***';

/** Every form in which a secret can show up in git's output or in a URL. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]);
  for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 16) forms.add(line.trim());
  return [...forms].filter((form) => form.length >= 3).sort((a, b) => b.length - a.length);
}

/** Replaces each secret (plain, URL-encoded, base64, and each long line of a key) with '***'. */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of formsOf(secret)) out = out.split(form).join(MASK);
  }
  return out;
}
