import type { NextFunction, Request, Response } from 'express';

type FlashType = 'success' | 'info' | 'warning' | 'danger';

/** Queues a message shown on the next page rendered for this session. */
export function flash(req: Pick<Request, 'session'>, type: FlashType, message: string): void {
  (req.session.flash ??= []).push({ type, message });
}

/** Moves queued messages into the page being rendered. */
export function takeFlash(req: Request, res: Response, next: NextFunction): void {
  const messages = req.session?.flash;
  res.locals.flashes = messages ?? [];
  if (messages?.length) delete req.session.flash;
  next();
}
