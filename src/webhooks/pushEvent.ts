import type { WebhookProvider } from './signature';

// What a verified delivery says, whatever the sender: a ping, a push of a ref to a commit, or
// something else (issues, releases, …) that this application ignores.

export type WebhookEvent =
  | { type: 'ping'; event: string }
  | {
      type: 'push';
      event: string;
      /** The full ref: refs/heads/main, refs/tags/v1.0. */
      ref: string;
      /** The new commit of the ref; null when the push deleted it. */
      commit: string | null;
      /** The repository's default branch, when the sender says it. */
      defaultBranch: string | null;
    }
  | { type: 'other'; event: string };

type Headers = Record<string, string | string[] | undefined>;

const ZERO_SHA = /^0+$/;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The JSON payload of a raw body: JSON, or GitHub's form encoding (`payload=<json>`). */
export function payloadOf(body: Buffer, contentType: string | undefined): unknown {
  const text = body.toString('utf8');
  if (/application\/x-www-form-urlencoded/i.test(contentType ?? ''))
    return JSON.parse(new URLSearchParams(text).get('payload') ?? '');
  return JSON.parse(text || '{}');
}

/** Reads the event of a verified delivery. Throws a SyntaxError when the body is not JSON. */
export function readEvent(provider: WebhookProvider, headers: Headers, payload: unknown): WebhookEvent {
  const body = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  const named =
    header(headers, 'x-github-event') ??
    header(headers, 'x-gitea-event') ??
    header(headers, 'x-forgejo-event') ??
    header(headers, 'x-gitlab-event') ??
    header(headers, 'x-event-key');
  const event = (named ?? (typeof body.ref === 'string' ? 'push' : 'ping')).trim();
  const normalised = event.toLowerCase();
  if (normalised === 'ping' || (provider === 'gitlab' && !body.ref && /system hook|test/.test(normalised)))
    return { type: 'ping', event };
  const isPush = ['push', 'push hook', 'tag push hook', 'repo:push'].includes(normalised);
  if (!isPush || typeof body.ref !== 'string') return { type: 'other', event };
  const after =
    typeof body.after === 'string' ? body.after : typeof body.checkout_sha === 'string' ? body.checkout_sha : '';
  const repository = (body.repository ?? body.project ?? {}) as Record<string, unknown>;
  const defaultBranch =
    typeof repository.default_branch === 'string' && repository.default_branch ? repository.default_branch : null;
  return {
    type: 'push',
    event,
    ref: body.ref,
    commit: after && !ZERO_SHA.test(after) && /^[0-9a-f]{40,64}$/i.test(after) ? after.toLowerCase() : null,
    defaultBranch,
  };
}
