import { Router, type Response } from 'express';
import { z } from 'zod';
import { BUILTIN_SWITCH_PROFILES, findKind, kinds } from '../../crds';
import { builtinSwitchProfiles } from '../../crds/kinds/switchProfile';
import { db } from '../../db';
import { NotFound } from '../../errors';
import { listRecords, presentRecord } from '../../records/listRecords';
import { can } from '../middleware/auth';
import { PageQuery } from '../pagination';
import { IdParams, OptionalId, QueryText, authed, validate, type Req } from '../validate';

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
  summary: 'Records; kind-specific filters (e.g. type=fabric for Connection) are extra query parameters',
  returns: '{items, total, page, perPage}',
};
const One = { params: IdParams, returns: 'one record with spec, provenance, warnings' };

api.get('/', can('view', 'crd'), validate(List), authed(listCrds));
api.get('/:id', can('view', 'crd'), validate(One), authed(showCrd));

const KNOWN = new Set(Object.keys(RecordListQuery.shape));

async function listCrds(req: Req<typeof List>, res: Response) {
  const { fabric, kind, page, perPage, namespace, q, validation, sort } = req.query;
  const filters = Object.fromEntries(
    Object.entries(req.query).filter((e): e is [string, string] => !KNOWN.has(e[0]) && typeof e[1] === 'string'),
  );
  const result = await listRecords({ kind, fabricId: fabric, page, perPage, namespace, q, validation, sort, filters });
  const items = result.items.map(presentRecord);
  // The fabric's built-in SwitchProfiles belong to the catalogue, not to a fabric: listed ahead of
  // any SwitchProfile records on the first page when no fabric is chosen.
  const builtins =
    kind && findKind(kind)?.kind === 'SwitchProfile' && fabric === undefined ? presentBuiltinProfiles(q) : [];
  res.json({
    items: result.page === 1 ? [...builtins, ...items] : items,
    total: result.total + builtins.length,
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
  });
}

/** The built-in SwitchProfiles in the shape of a record, marked `builtin` (no id, fabric or source). */
function presentBuiltinProfiles(q: string | undefined) {
  const needle = q?.toLowerCase();
  return builtinSwitchProfiles(BUILTIN_SWITCH_PROFILES)
    .filter((p) => !needle || p.name.includes(needle))
    .map((p) => ({
      id: null,
      fabricId: null,
      builtin: true,
      kind: 'SwitchProfile',
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      namespace: 'default',
      name: p.name,
      spec: p.spec,
      labels: {},
      annotations: {},
      source: null,
      validation: { state: 'valid', messages: [] },
    }));
}
