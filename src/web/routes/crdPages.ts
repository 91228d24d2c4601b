import { Router, type Response } from 'express';
import { z } from 'zod';
import { findKind, type KindDef } from '../../crds';
import { db } from '../../db';
import { countRecordsByKind } from '../../records/countRecordsByKind';
import { iterateRecords } from '../../records/iterateRecords';
import { fabricsAndVersion } from '../../records/recordsVersion';
import { listWithBuiltins } from '../../records/builtinEntries';
import { NotFound } from '../../errors';
import { downloadName, recordExportChunks, streamDownload } from '../exportList';
import { buildListView, parseListQuery } from '../listView';
import { builtinRows, choicesOf, fabricChoices, recordListSpec, recordRows, toRecordQuery } from '../lists/recordList';
import { can } from '../middleware/auth';
import { keptPageKey, renderKeptPage, sendKept } from '../keptPages';
import { builtinPage, recordPage } from '../recordPage';
import { Id, OptionalId, authed, validate, type Req } from '../validate';

/** The records' pages: the kinds' index, a kind's list (and its exports), a record's page. */
export const pages = Router();

/** The kind of a URL: its slug (`vpcs`), plural or name (`VPC`). */
function kindParam(param: unknown): KindDef {
  const kind = typeof param === 'string' ? findKind(param) : undefined;
  if (!kind) throw new NotFound(`kind "${param}"`);
  return kind;
}

const Index = { query: z.object({ fabric: OptionalId }) };
const Kind = { params: z.object({ kind: z.string() }) };
const One = { params: z.object({ kind: z.string(), id: Id }) };
const Builtin = { params: z.object({ kind: z.string(), name: z.string().regex(/^[a-z0-9][-a-z0-9.]{0,252}$/) }) };

pages.get('/', can('view', 'crd'), validate(Index), authed(crdIndexPage));
pages.get('/:kind', can('view', 'crd'), validate(Kind), authed(recordsPage));
pages.get('/:kind/:id', can('view', 'crd'), validate(One), authed(recordPageOf));
pages.get('/:kind/builtin/:name', can('view', 'crd'), validate(Builtin), authed(builtinPageOf));

async function crdIndexPage(req: Req<typeof Index>, res: Response) {
  const fabricId = req.query.fabric;
  const fabric = fabricId
    ? await db().fabric.findUnique({ where: { id: fabricId }, select: { id: true, name: true } })
    : null;
  if (fabricId && !fabric) throw new NotFound('fabric');
  const [counts, fabrics] = await Promise.all([countRecordsByKind(fabric?.id), fabricChoices()]);
  res.render('crds/index.njk', { ...counts, fabric, fabrics });
}

async function recordsPage(req: Req<typeof Kind>, res: Response) {
  const kind = kindParam(req.params.kind);
  // The fabric filter's choices and the records' version (the key of the kept rows and totals),
  // read with the session's user: no query of its own while its rows are kept.
  const fabrics = req.fabrics ?? (await fabricsAndVersion());
  // The rendered page, kept under every fabric's version (its fabric filter names them all).
  const key = keptPageKey(req, res, fabrics.version());
  if (sendKept(res, key)) return;
  const spec = recordListSpec({ kind, fabrics: choicesOf(fabrics.fabrics) });
  const query = parseListQuery(spec, req.query);
  const records = toRecordQuery(kind, query);
  if (query.export) {
    const fabric = spec.filters
      .find((f) => f.key === 'fabric')
      ?.choices?.find((c) => c.value === query.filters.fabric)?.label;
    const chunks = recordExportChunks(query.export, spec, kind, iterateRecords(records));
    return streamDownload(res, {
      format: query.export,
      filename: downloadName([kind.slug, fabric], query.export),
      chunks,
    });
  }
  // A kind's built-in entries (the fabric's SwitchProfiles) come first, unless a fabric is chosen.
  const result = await listWithBuiltins(records, fabrics.version(records.fabricId));
  const list = buildListView({ spec, query, total: result.total, path: `/crds/${kind.slug}`, user: req.user });
  const rows = await recordRows(result.records, kind);
  await renderKeptPage(res, key, 'crds/list.njk', {
    kind,
    list,
    rows: result.builtins.length ? [...builtinRows(kind, result.builtins), ...rows] : rows,
  });
}

async function recordPageOf(req: Req<typeof One>, res: Response) {
  const kind = kindParam(req.params.kind);
  // No statement of its own while its kept page is current by the fabrics read with the user.
  const page = await recordPage(req.app, kind, req.params.id, req.fabrics);
  if (!page) throw new NotFound(`${kind.label} ${req.params.id}`);
  // The whole page, kept with its body (the body alone is kept per version for every user).
  const key = keptPageKey(req, res, page.version);
  if (sendKept(res, key)) return;
  await renderKeptPage(res, key, 'crds/detail.njk', { kind, ...page });
}

async function builtinPageOf(req: Req<typeof Builtin>, res: Response) {
  const kind = kindParam(req.params.kind);
  const page = await builtinPage(req.app, kind, req.params.name);
  if (!page) throw new NotFound(`built-in ${kind.label} "${req.params.name}"`);
  res.render('crds/detail.njk', { kind, ...page });
}
