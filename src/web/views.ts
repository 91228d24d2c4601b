import { join } from 'node:path';
import type { Express } from 'express';
import nunjucks from 'nunjucks';
import { VOCABULARIES } from '../choices';

const ROOT = join(import.meta.dirname, '..', '..');

/** Nunjucks with autoescape on (every value is escaped unless a template says otherwise). */
export function configureViews(app: Express): nunjucks.Environment {
  const env = nunjucks.configure(join(ROOT, 'views'), { autoescape: true, express: app, noCache: process.env.NODE_ENV === 'development' });
  app.set('view engine', 'njk');
  env.addGlobal('choices', VOCABULARIES);
  env.addFilter('datetime', (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—'));
  env.addFilter('ago', (d: Date | string | null | undefined) => (d ? timeAgo(new Date(d)) : 'never'));
  env.addFilter('duration', (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`));
  env.addFilter('short', (sha: string | null | undefined) => (sha ? sha.slice(0, 8) : '—'));
  env.addFilter('json', (v: unknown) => JSON.stringify(v, null, 2));
  env.addFilter('number', (n: number | null | undefined) => (n ?? 0).toLocaleString('en-US'));
  return env;
}

function timeAgo(d: Date): string {
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
