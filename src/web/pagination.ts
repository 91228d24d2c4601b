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
