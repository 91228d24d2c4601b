import { join } from 'node:path';
import RedisStore from 'connect-redis';
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { kinds, CATEGORIES } from '../crds';
import { allowed, type Action, type Resource } from '../auth/permissions';
import { config } from '../config';
import { key, redis } from '../redis';
import { authenticate, csrf } from './middleware/auth';
import { requestContext } from './middleware/context';
import { errorHandler, notFound } from './middleware/errors';
import { takeFlash } from './middleware/flash';
import { MOUNTS, SIGNED_MOUNTS } from './routes';
import { configureViews } from './views';

const ROOT = join(import.meta.dirname, '..', '..');

/** The CRDs menu: the kinds under their API categories. */
const NAV = { categories: CATEGORIES.map((name) => ({ name, kinds: kinds.filter((k) => k.category === name) })) };

/** The Express application: middleware in order, then the routers of MOUNTS. */
export function createApp(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag computed from the body (a SHA-1 of every page and API answer): everything past the
  // static files is sent with Cache-Control: no-store, so no client keeps a copy to revalidate.
  // The static files (serve-static) and the topology (its own tag, from the records' version)
  // still send theirs.
  app.set('etag', false);
  if (config().trustProxy) app.set('trust proxy', 1);
  configureViews(app);

  app.use(requestContext);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      xFrameOptions: { action: 'deny' }, // as frame-ancestors 'none', for browsers without CSP 3
      // Sent below, and only over https: over plain http it means nothing, or pins a host that
      // serves no https to https.
      strictTransportSecurity: false,
    }),
  );
  app.use((req, res, next) => {
    if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  });
  app.use(
    '/static/tabler',
    express.static(join(ROOT, 'node_modules/@tabler/core/dist'), { maxAge: '7d', index: false }),
  );
  app.use('/static', express.static(join(ROOT, 'public'), { maxAge: '1h', index: false }));
  // Everything past the static files is personal (pages, API answers, errors, the login form
  // with its CSRF token): no browser or proxy cache keeps a copy for the next user of the machine.
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  for (const [path, router] of SIGNED_MOUNTS) app.use(path, router);
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(express.json({ limit: '1mb' }));
  app.use(
    session({
      name: 'hhfm.sid',
      // Sessions are not rolling (the cookie expires 12 h after sign-in), so refreshing the
      // key's TTL on every request (touch) would only cost a Redis round trip.
      store: new RedisStore({ client: redis(), prefix: key('sess') + ':', disableTouch: true }),
      secret: config().sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 12 * 3600 * 1000 },
    }),
  );
  app.use(authenticate);
  app.use(csrf);
  app.use(takeFlash);
  app.use((req, res, next) => {
    res.locals.user = req.user;
    res.locals.csrfToken = req.session?.csrfToken;
    res.locals.can = (action: Action, resource: Resource) => allowed(req.user?.role, action, resource);
    res.locals.nav = NAV;
    res.locals.path = req.path;
    next();
  });
  for (const [path, router] of MOUNTS) app.use(path, router);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
