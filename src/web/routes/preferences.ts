import { Router, type Response } from 'express';
import { z } from 'zod';
import { ValidationError } from '../../errors';
import { saveColumns } from '../listView';
import { listSpecByKey } from '../lists';
import { flash } from '../middleware/flash';
import { signedIn } from '../middleware/auth';
import { authed, validate, type Req } from '../validate';

/** A signed-in user's preferences: the columns of each list. */
export const pages = Router();

const ColumnsInput = z.object({
  list: z.string().max(100),
  columns: z.union([z.string(), z.array(z.string())]).optional(),
  reset: z.string().optional(),
  next: z.string().max(2000).optional(),
});

/** Only a path on this site: never `//host` or `https://host`. */
function localPath(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

const Columns = { body: ColumnsInput };

pages.post('/columns', signedIn, validate(Columns), authed(saveListColumns));

async function saveListColumns(req: Req<typeof Columns>, res: Response) {
  const input = req.body;
  const spec = listSpecByKey(input.list);
  if (!spec) throw new ValidationError({ list: `unknown list "${input.list}"` });
  const columns = input.reset ? null : ([] as string[]).concat(input.columns ?? []);
  await saveColumns(req.user.id, spec, columns);
  flash(req, 'success', columns ? 'Columns saved.' : 'Columns back to the defaults.');
  res.redirect(localPath(input.next));
}
