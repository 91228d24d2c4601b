import type { Router } from 'express';
import * as apiDocs from './api';
import * as auth from './auth';
import * as changePages from './changePages';
import * as changes from './changes';
import * as crdPages from './crdPages';
import * as crds from './crds';
import * as dashboard from './dashboard';
import * as fabricPages from './fabricPages';
import * as fabrics from './fabrics';
import * as health from './health';
import * as metrics from './metrics';
import * as preferences from './preferences';
import * as repositories from './repositories';
import * as repositoryPages from './repositoryPages';
import * as search from './search';
import * as syncRunPages from './syncRunPages';
import * as syncRuns from './syncRuns';
import * as tokens from './tokens';
import * as topology from './topology';
import * as users from './users';
import * as webhooks from './webhooks';

/**
 * Routers mounted before the body parsers, the session, authentication and CSRF: push
 * webhooks, authenticated by a signature over the raw body.
 */
export const SIGNED_MOUNTS: [path: string, router: Router][] = [['/api/v1/webhooks', webhooks.api]];

/** Every router and where it is mounted: the map the permission test walks (with SIGNED_MOUNTS). */
export const MOUNTS: [path: string, router: Router][] = [
  ['/', health.router],
  ['/', metrics.router],
  ['/', auth.router],
  ['/', dashboard.pages],
  ['/fabrics', fabricPages.pages],
  ['/fabrics', topology.pages],
  ['/repositories', repositoryPages.pages],
  ['/sync-runs', syncRunPages.pages],
  ['/crds', crdPages.pages],
  ['/changes', changePages.pages],
  ['/preferences', preferences.pages],
  ['/search', search.pages],
  ['/admin/users', users.pages],
  ['/account', users.account],
  ['/admin/tokens', tokens.pages],
  ['/api/v1', tokens.api],
  ['/api/v1', apiDocs.api],
  ['/api/v1/repositories', repositories.api],
  ['/api/v1/fabrics', fabrics.api],
  ['/api/v1/fabrics', topology.api],
  ['/api/v1/sync-runs', syncRuns.api],
  ['/api/v1/changes', changes.api],
  ['/api/v1/crds', crds.api],
];
