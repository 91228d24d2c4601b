import { join } from 'node:path';
import type { Express } from 'express';
import nunjucks from 'nunjucks';
import { VOCABULARIES } from '../choices';
import { ago, cellHtml, datetime, refsHtml, since, tableRowsHtml } from './html';
import type { ResolvedRef } from '../records/resolveRefs';
import type { Cell, ListRow } from './listView';

const ROOT = join(import.meta.dirname, '..', '..');

/** Nunjucks with autoescape on (every value is escaped unless a template says otherwise). */
export function configureViews(app: Express): nunjucks.Environment {
  const env = nunjucks.configure(join(ROOT, 'views'), {
    autoescape: true,
    express: app,
    noCache: process.env.NODE_ENV === 'development',
  });
  app.set('view engine', 'njk');
  env.addGlobal('choices', VOCABULARIES);
  env.addFilter('datetime', datetime);
  env.addFilter('ago', ago);
  env.addFilter('since', since);
  env.addFilter('interval', (s: number) =>
    s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`,
  );
  // A list's rows are its bulk (50 rows of 5–10 cells): built in code, not with a macro per cell.
  // Names of other records (a cell's refs, a list of ResolvedRef): links or missing badges, as in the lists.
  env.addFilter('cell', (c: Cell) => new nunjucks.runtime.SafeString(cellHtml(c)));
  env.addFilter('refs', (refs: ResolvedRef[]) => new nunjucks.runtime.SafeString(refsHtml(refs ?? [])));
  env.addFilter(
    'tableRows',
    (rows: ListRow[], columns: { key: string }[]) => new nunjucks.runtime.SafeString(tableRowsHtml(rows, columns)),
  );
  env.addFilter('duration', (ms: number | null | undefined) =>
    ms === null || ms === undefined ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`,
  );
  env.addFilter('short', (sha: string | null | undefined) => (sha ? sha.slice(0, 8) : '—'));
  env.addFilter('json', (v: unknown) => JSON.stringify(v, null, 2));
  env.addFilter('number', (n: number | null | undefined) => (n ?? 0).toLocaleString('en-US'));
  return env;
}
