import { Router, type Response } from 'express';
import { z } from 'zod';
import { kindByName, kinds, type Spec } from '../../crds';
import { appliedDefaults } from '../../records/appliedDefaults';
import { db } from '../../db';
import { NotFound } from '../../errors';
import { listWithBuiltins, presentBuiltin } from '../../records/builtinEntries';
import { presentRecord } from '../../records/listRecords';
import { fabricsAndVersion } from '../../records/recordsVersion';
import { keptAnswerKey, sendKept, sendKeptJson } from '../keptPages';
import { can } from '../middleware/auth';
import { PageQuery } from '../pagination';
import { IdParams, OptionalId, QueryText, authed, validate, type Req } from '../validate';

/** The records in the API: the list with the kinds' filters, and one record. */
export const api = Router();

export const RecordListQuery = PageQuery.extend({
  kind: QueryText(100)
    .optional()
    .meta({ description: `A kind by name, plural or slug, in any case: ${kinds.map((k) => k.kind).join(', ')}` }),
  fabric: OptionalId,
  namespace: QueryText(253).optional(),
  q: QueryText().optional(),
  validation: z.enum(['valid', 'warning']).optional(),
  sort: QueryText(64).optional(),
});

const List = {
  // Any other parameter is one of the kind's filters (e.g. type=fabric for Connection).
  query: RecordListQuery.catchall(QueryText()),
  summary:
    "Records; kind-specific filters (e.g. type=fabric for Connection) are extra query parameters. A kind's built-in entries (kind=SwitchProfile: the fabric's 23 profiles, builtin: true, id null) come first unless fabric is given",
  returns: '{items, total, page, perPage}',
};
const One = {
  params: IdParams,
  returns:
    'one record with spec (as git says), provenance, warnings, appliedDefaults [{path, value (null: dropped by Default()), stored}]',
};

api.get('/', can('view', 'crd'), validate(List), authed(listCrds));
api.get('/:id', can('view', 'crd'), validate(One), authed(showCrd));

const KNOWN = new Set(Object.keys(RecordListQuery.shape));

async function listCrds(req: Req<typeof List>, res: Response) {
  const { fabric, kind, page, perPage, namespace, q, validation, sort } = req.query;
  const filters = Object.fromEntries(
    Object.entries(req.query).filter((e): e is [string, string] => !KNOWN.has(e[0]) && typeof e[1] === 'string'),
  );
  // The answer is kept per version of the records it lists and address (src/web/keptPages.ts).
  const version = (req.fabrics ?? (await fabricsAndVersion())).version(fabric);
  const key = keptAnswerKey(req, version);
  if (sendKept(res, key)) return;
  // A kind's built-in entries (the fabric's SwitchProfiles) belong to the catalogue, not to a
  // fabric: listed ahead of its records unless a fabric is asked for.
  const result = await listWithBuiltins(
    { kind, fabricId: fabric, page, perPage, namespace, q, validation, sort, filters },
    version,
  );
  sendKeptJson(res, key, {
    items: [...result.builtins.map((e) => presentBuiltin(result.kind!, e)), ...result.records.map(presentRecord)],
    total: result.total,
    page: result.page,
    perPage: result.perPage,
  });
}

async function showCrd(req: Req<typeof One>, res: Response) {
  const r = await db().crdRecord.findUnique({
    where: { id: req.params.id },
    include: { fabric: { select: { name: true } } },
  });
  if (!r) throw new NotFound('record');
  res.json({
    ...presentRecord({
      ...r,
      validationMessages: r.validationMessages as never,
      spec: r.spec as never,
      labels: r.labels as never,
      annotations: r.annotations as never,
    }),
    fabric: { id: r.fabricId, name: r.fabric.name },
    // What the fabric's Default() fills in beside the stored spec (which stays what git says).
    appliedDefaults: kindByName(r.kind) ? appliedDefaults(kindByName(r.kind)!, r.spec as Spec) : [],
  });
}
