import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// Who sent a delivery and whether its signature holds, from the headers and the raw body.
// GitHub and generic senders sign with HMAC-SHA256 in X-Hub-Signature-256 ("sha256=<hex>"),
// Gitea and Forgejo in X-Gitea-Signature (bare hex), GitLab sends the secret itself in X-Gitlab-Token.

export type WebhookProvider = 'github' | 'gitea' | 'gitlab' | 'generic';

export type Verdict =
  { ok: true; provider: WebhookProvider } | { ok: false; provider?: WebhookProvider; reason: string };

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Constant-time equality of two strings of any length (both are hashed first, so lengths leak nothing). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function hmacMatches(secret: string, body: Buffer, hex: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

/** The sender named by the headers, before anything is verified. */
export function providerOf(headers: Headers): WebhookProvider | undefined {
  if (header(headers, 'x-gitlab-token') !== undefined) return 'gitlab';
  if (header(headers, 'x-gitea-signature') !== undefined || header(headers, 'x-forgejo-signature') !== undefined)
    return 'gitea';
  if (header(headers, 'x-hub-signature-256') !== undefined)
    return header(headers, 'x-github-event') !== undefined ? 'github' : 'generic';
  return undefined;
}

/** Checks a delivery's signature over its raw body with the repository's webhook secret. */
export function verifyDelivery(headers: Headers, body: Buffer, secret: string): Verdict {
  const provider = providerOf(headers);
  switch (provider) {
    case undefined:
      return {
        ok: false,
        reason: 'no signature: expected X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token',
      };
    case 'gitlab':
      return sameSecret(header(headers, 'x-gitlab-token') ?? '', secret)
        ? { ok: true, provider }
        : { ok: false, provider, reason: 'X-Gitlab-Token does not match the webhook secret' };
    case 'gitea': {
      const sent = header(headers, 'x-gitea-signature') ?? header(headers, 'x-forgejo-signature') ?? '';
      return hmacMatches(secret, body, sent.trim())
        ? { ok: true, provider }
        : { ok: false, provider, reason: 'X-Gitea-Signature does not match the body signed with the webhook secret' };
    }
    case 'github':
    case 'generic': {
      const sent = /^sha256=([0-9a-f]+)$/i.exec((header(headers, 'x-hub-signature-256') ?? '').trim())?.[1] ?? '';
      return hmacMatches(secret, body, sent)
        ? { ok: true, provider }
        : {
            ok: false,
            provider,
            reason: 'X-Hub-Signature-256 does not match the body signed with the webhook secret',
          };
    }
  }
}
