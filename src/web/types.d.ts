import type { ApiToken, User } from '../db';
import type { FabricsAndVersion } from '../records/recordsVersion';

declare global {
  namespace Express {
    interface Request {
      user?: User;
      token?: ApiToken;
      /**
       * The version of the session's user's row (its xmin), read with it: it changes with
       * whatever about the user a page may show (name, role, preferences).
       */
      userVersion?: string;
      /** The fabrics and the records' version, read with the session's user (`authenticate`). */
      fabrics?: FabricsAndVersion;
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
