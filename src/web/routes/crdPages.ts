import { Router } from 'express';
import { findKind, type KindDef } from '../../crds';
import { db } from '../../db';
import { countRecordsByKind } from '../../records/countRecordsByKind';
import { iterateRecords } from '../../records/iterateRecords';
import { listRecords } from '../../records/listRecords';
import { NotFound } from '../../errors';
import { downloadName, recordExportChunks, streamDownload } from '../exportList';
import { buildListView, parseListQuery, queryString } from '../listView';
import { fabricChoices, recordListSpec, recordRows, toRecordQuery } from '../lists/recordList';
import { can } from '../middleware/auth';
import { recordPage } from '../recordPage';

export const pages = Router();

/** The kind of a URL: its slug (`vpcs`), plural or name (`VPC`). */
function kindParam(param: unknown): KindDef {
  const kind = typeof param === 'string' ? findKind(param) : undefined;
  if (!kind) throw new NotFound(`kind "${param}"`);
  return kind;
}

pages.get('/', can('view', 'crd'), async (req, res) => {
  const fabricId = Number(queryString(req.query.fabric)) || undefined;
  const fabric = fabricId
    ? await db().fabric.findUnique({ where: { id: fabricId }, select: { id: true, name: true } })
    : null;
  if (fabricId && !fabric) throw new NotFound('fabric');
  const [counts, fabrics] = await Promise.all([countRecordsByKind(fabric?.id), fabricChoices()]);
  res.render('crds/index.njk', { ...counts, fabric, fabrics });
});

pages.get('/:kind', can('view', 'crd'), async (req, res) => {
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
  res.render('crds/list.njk', { kind, list, rows: recordRows(result.items, kind) });
});

pages.get('/:kind/:id', can('view', 'crd'), async (req, res) => {
  const kind = kindParam(req.params.kind);
  const id = Number(req.params.id);
  const page = Number.isInteger(id) && id > 0 && id < 2 ** 31 ? await recordPage(req.app, kind, id) : null;
  if (!page) throw new NotFound(`${kind.label} ${req.params.id}`);
  res.render('crds/detail.njk', { kind, ...page });
});
