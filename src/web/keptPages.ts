// Rendered pages kept between requests, for pages read far more often than what they show
// changes (a kind's list of records: it changes when a fabric syncs). Once kept, such a request
// costs its session, one statement (the user, read with the records' version) and the bytes
// sent: no list view built, no template rendered, no text encoded. In a bench:web run this was
// the larger part of the web processes' CPU per list request.
//
// A kept page is found only under a key that holds everything its bytes depend on: the version
// of the data (the records' version, read from the database on every request, so every web
// process agrees and nothing is served from before a sync), the address with its query, the
// user's row version (name, role and preferences: the menu, the buttons, the columns), and the
// session's CSRF token (in the page's forms). A page with messages to show (flash) is neither
// read nor kept. Each process keeps its own, bounded by bytes.
import type { Request, Response } from 'express';
import { LruCache } from '../cache';

const KEPT_BYTES = 32 * 1024 * 1024;
const kept = new LruCache<Buffer>(KEPT_BYTES, (body) => body.length + 256);

/**
 * The key of this request's page while the data it shows has `version`, or undefined when the
 * page is not to be kept: only a page for a session's user (the user's row version read with
 * it), with no messages to show.
 */
export function keptPageKey(
  req: Pick<Request, 'user' | 'token' | 'userVersion' | 'session' | 'originalUrl'>,
  res: Response,
  version: string,
): string | undefined {
  if (!req.user || req.token || req.userVersion === undefined) return undefined;
  if ((res.locals.flashes as unknown[] | undefined)?.length) return undefined;
  return `${req.user.id}:${req.userVersion}\n${req.session.csrfToken ?? ''}\n${version}\n${req.originalUrl}`;
}

/** Sends the page kept under `key`; false when there is none. */
export function sendKeptPage(res: Response, key: string | undefined): boolean {
  const body = key === undefined ? undefined : kept.get(key);
  if (!body) return false;
  sendHtml(res, body);
  return true;
}

/** Renders the page, sends it, and keeps it under `key` (when there is one). */
export async function renderKeptPage(
  res: Response,
  key: string | undefined,
  view: string,
  locals: Record<string, unknown>,
): Promise<void> {
  const html = await new Promise<string>((resolve, reject) =>
    res.render(view, locals, (err: Error | null, text: string) => (err ? reject(err) : resolve(text))),
  );
  const body = Buffer.from(html);
  if (key !== undefined) kept.set(key, body);
  sendHtml(res, body);
}

function sendHtml(res: Response, body: Buffer): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.send(body);
}
