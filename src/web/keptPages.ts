// Rendered pages (and API answers) kept between requests, for what is read far more often than
// what it shows changes (a kind's list of records, a record's page: they change when a fabric
// syncs). Once kept, such a request costs its session, one statement (the user, read with the
// records' version) and the bytes sent: no list view built, no template rendered, no text
// encoded, which was the larger part of the web processes' CPU per list request.
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
const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const kept = new LruCache<{ type: string; body: Buffer }>(KEPT_BYTES, (a) => a.body.length + 256);

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
  return `page\n${req.user.id}:${req.userVersion}\n${req.session.csrfToken ?? ''}\n${version}\n${req.originalUrl}`;
}

/**
 * The key of an API answer that depends on nothing but the data's `version` and the address (a
 * list of records: the same for every user its route's guard lets through).
 */
export function keptAnswerKey(req: Pick<Request, 'originalUrl'>, version: string): string {
  return `api\n${version}\n${req.originalUrl}`;
}

/** Sends what is kept under `key`; false when there is nothing. */
export function sendKept(res: Response, key: string | undefined): boolean {
  const answer = key === undefined ? undefined : kept.get(key);
  if (!answer) return false;
  send(res, answer.type, answer.body);
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
  keepAndSend(res, key, HTML, Buffer.from(html));
}

/** Sends `value` as JSON (as res.json writes it), and keeps it under `key`. */
export function sendKeptJson(res: Response, key: string, value: unknown): void {
  keepAndSend(res, key, JSON_TYPE, Buffer.from(JSON.stringify(value)));
}

function keepAndSend(res: Response, key: string | undefined, type: string, body: Buffer): void {
  if (key !== undefined) kept.set(key, { type, body });
  send(res, type, body);
}

function send(res: Response, type: string, body: Buffer): void {
  res.setHeader('Content-Type', type);
  res.send(body);
}
