import { Router } from 'express';
import { searchEverything } from '../../search/searchEverything';
import { queryString } from '../listView';
import { can } from '../middleware/auth';
import { recordHref } from '../lists/recordList';

export const pages = Router();

pages.get('/', can('view', 'dashboard'), async (req, res) => {
  const q = queryString(req.query.q) ?? '';
  res.render('search.njk', { q, result: await searchEverything(q), recordHref });
});
