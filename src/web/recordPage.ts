// The record page is read far more often than a fabric syncs, and building it (five queries,
// the YAML, the references, the template) costs more than everything else a request does. Its
// body is rendered once per version of what it shows, and kept: the record, the records that
// refer to it and its history only change in a transaction that also updates its fabric's row,
// and its repository's name and URL in one that updates the repository's row, so the row
// versions (xmin) of those two rows key it (see src/records/recordsVersion.ts). A request
// signed in by its session has read both with its user (`req.fabrics`): a kept page still
// current by them costs no statement of its own. Deleting the record, or its fabric, moves or
// removes the fabric's row, so the kept page is no longer current and the record is looked up.

import type { Application } from 'express';
import { LruCache } from '../cache';
import type { KindDef } from '../crds';
import { Prisma, queryRows } from '../db';
import { builtinUsedBy, findBuiltin } from '../records/builtinEntries';
import { loadRecordDetail } from '../records/loadRecordDetail';
import { recordPageVersion, type FabricsAndVersion } from '../records/recordsVersion';
import { presentBuiltinDetail, presentRecordDetail } from './presentRecordDetail';

export interface RecordPage {
  /** What the page shows changes with: the record's id and its fabric's and repository's row versions. */
  version: string;
  record: { name: string };
  fabric: { id: number; name: string };
  /** views/crds/_detailBody.njk, rendered. */
  body: string;
}

/** Each record's page as last rendered (by record id), with the kind it was rendered for. */
const pages = new LruCache<{ kind: string; page: RecordPage }>(500);

function renderView(app: Application, view: string, context: object): Promise<string> {
  return new Promise((resolve, reject) =>
    app.render(view, context, (err, html) => (err ? reject(err) : resolve(html))),
  );
}

/**
 * The page of the record `id` of this kind, or null when there is none. `fabrics`, read with the
 * session's user on this request, tells whether a kept page is still current.
 */
export async function recordPage(
  app: Application,
  kind: KindDef,
  id: number,
  fabrics?: FabricsAndVersion,
): Promise<RecordPage | null> {
  const entry = pages.get(String(id));
  const kept = entry?.kind === kind.kind ? entry.page : undefined;
  if (kept && fabrics) {
    const current = fabrics.pageVersion(kept.fabric.id);
    if (current !== undefined && kept.version === `${id}|${current}`) return kept;
  }
  const [head] = await queryRows<{ fabricXmin: string; repositoryXmin: string }>(Prisma.sql`
    SELECT f.xmin::text AS "fabricXmin", g.xmin::text AS "repositoryXmin"
    FROM "CrdRecord" r JOIN "Fabric" f ON f.id = r."fabricId" JOIN "GitRepository" g ON g.id = f."repositoryId"
    WHERE r.id = ${id} AND r.kind = ${kind.kind}`);
  if (!head) return null;
  const key = `${id}|${recordPageVersion(head.fabricXmin, head.repositoryXmin)}`;
  if (kept?.version === key) return kept;
  const detail = await loadRecordDetail(kind, id);
  if (!detail) return null;
  const context = { kind, ...presentRecordDetail(detail) };
  const page = {
    version: key,
    record: { name: detail.record.name },
    fabric: context.fabric,
    body: await renderView(app, 'crds/_detailBody.njk', context),
  };
  pages.set(String(id), { kind: kind.kind, page });
  return page;
}

/**
 * The page of a kind's built-in entry (a SwitchProfile of the fabric's catalogue), or null when
 * the kind has none of that name. Rendered per request: what names it changes with every sync.
 */
export async function builtinPage(
  app: Application,
  kind: KindDef,
  name: string,
): Promise<{ record: { name: string }; fabric: null; builtin: { availability: string }; body: string } | null> {
  const entry = findBuiltin(kind, name);
  if (!entry) return null;
  const context = { kind, ...presentBuiltinDetail(kind, entry, await builtinUsedBy(kind, name)) };
  return {
    record: { name },
    fabric: null,
    builtin: context.builtin,
    body: await renderView(app, 'crds/_detailBody.njk', context),
  };
}
