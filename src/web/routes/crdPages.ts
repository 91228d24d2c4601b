import { Router, type Response } from 'express';
import { z } from 'zod';
import { findKind, type KindDef } from '../../crds';
import { db } from '../../db';
import { countRecordsByKind } from '../../records/countRecordsByKind';
import { iterateRecords } from '../../records/iterateRecords';
import { listRecords } from '../../records/listRecords';
import { NotFound } from '../../errors';
import { downloadName, recordExportChunks, streamDownload } from '../exportList';
import { buildListView, parseListQuery } from '../listView';
import { fabricChoices, recordListSpec, recordRows, toRecordQuery } from '../lists/recordList';
import { can } from '../middleware/auth';
import { recordPage } from '../recordPage';
import { Id, OptionalId, authed, validate, type Req } from '../validate';

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

pages.get('/', can('view', 'crd'), validate(Index), authed(crdIndexPage));
pages.get('/:kind', can('view', 'crd'), validate(Kind), authed(recordsPage));
pages.get('/:kind/:id', can('view', 'crd'), validate(One), authed(recordPageOf));

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
  const spec = recordListSpec({ kind, fabrics: await fabricChoices() });
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
  const result = await listRecords(records);
  const list = buildListView({ spec, query, total: result.total, path: `/crds/${kind.slug}`, user: req.user });
  res.render('crds/list.njk', { kind, list, rows: await recordRows(result.items, kind) });
}

async function recordPageOf(req: Req<typeof One>, res: Response) {
  const kind = kindParam(req.params.kind);
  const page = await recordPage(req.app, kind, req.params.id);
  if (!page) throw new NotFound(`${kind.label} ${req.params.id}`);
  res.render('crds/detail.njk', { kind, ...page });
}
