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
    csrfToken: string;
    flash: { type: 'success' | 'info' | 'warning' | 'danger'; message: string }[];
  }
}

export {};
