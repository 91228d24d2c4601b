import type { ApiToken, User } from '../db';

declare global {
  namespace Express {
    interface Request {
      user?: User;
      token?: ApiToken;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    userId: number;
    /** The user's sessionEpoch at sign-in: a session from before a password change ends. */
    epoch: number;
    csrfToken: string;
    flash: { type: 'success' | 'info' | 'warning' | 'danger'; message: string }[];
  }
}

export {};
