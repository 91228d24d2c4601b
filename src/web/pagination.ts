import { z } from 'zod';
import { PageNumber } from './validate';

/** ?page=&perPage= for the API: perPage is clamped to 1–1000, nonsense falls back to defaults. */
export const PageQuery = z.object({
  page: PageNumber,
  perPage: z.coerce
    .number()
    .int()
    .transform((n) => Math.min(Math.max(n, 1), 1000))
    .catch(50)
    .default(50)
    .meta({ type: 'integer', minimum: 1, maximum: 1000 }),
});

/** The rows of one page: where it starts and how many. */
export interface PageWindow {
  skip: number;
  take: number;
}

/**
 * One page of an API list and the total, as every list answers: `{items, total, page, perPage}`.
 * `rows` reads the page's window (`skip`, `take`); `present` shapes each row.
 */
export async function pageOf<Row, Shown>(
  { page, perPage }: { page: number; perPage: number },
  rows: (window: PageWindow) => Promise<Row[]>,
  total: () => Promise<number>,
  present: (row: Row) => Shown,
) {
  const [items, count] = await Promise.all([rows({ skip: (page - 1) * perPage, take: perPage }), total()]);
  return { items: items.map(present), total: count, page, perPage };
}
