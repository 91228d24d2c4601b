import { Router, type Response } from 'express';
import { z } from 'zod';
import { searchEverything } from '../../search/searchEverything';
import { can } from '../middleware/auth';
import { recordHref } from '../lists/recordList';
import { QueryText, authed, validate, type Req } from '../validate';

/** The global search page. */
export const pages = Router();

// `?q=a&q=b` searches for the first; control characters (a NUL) are a 400 naming q.
const Search = {
  query: z.object({ q: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), QueryText(1000).optional()) }),
};

pages.get('/', can('view', 'dashboard'), validate(Search), authed(searchPage));

async function searchPage(req: Req<typeof Search>, res: Response) {
  const q = req.query.q ?? '';
  res.render('search.njk', { q, result: await searchEverything(q), recordHref });
}
