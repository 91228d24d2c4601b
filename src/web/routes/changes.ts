import { Router, type Response } from 'express';
import { listChanges } from '../../records/listChanges';
import { can } from '../middleware/auth';
import { PageQuery } from '../pagination';
import { OptionalId, QueryText, authed, validate, type Req } from '../validate';

/** The change log in the API: GET /api/v1/changes. */
export const api = Router();

const List = {
  query: PageQuery.extend({
    fabric: OptionalId,
    syncRun: OptionalId,
    /** A kind (VPC), its plural or slug, or Fabric / GitRepository. */
    kind: QueryText(100).optional(),
  }),
  summary: 'The change log, newest first; an entry made by a sync carries commit: {sha, author, message, url}',
  returns: '{items, total, page, perPage}',
};

api.get('/', can('view', 'change'), validate(List), authed(listChangeLog));

async function listChangeLog(req: Req<typeof List>, res: Response) {
  const { page, perPage, ...filters } = req.query;
  const { items, total } = await listChanges({ ...filters, page, perPage });
  res.json({ items, total, page, perPage });
}
