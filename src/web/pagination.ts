import { z } from 'zod';

/** ?page=&perPage= for the API: values out of range are clamped (perPage 1–1000), nonsense falls back to defaults. */
export const PageQuery = z.object({
  page: z.coerce
    .number()
    .int()
    .transform((n) => Math.max(n, 1))
    .catch(1)
    .default(1),
  perPage: z.coerce
    .number()
    .int()
    .transform((n) => Math.min(Math.max(n, 1), 1000))
    .catch(50)
    .default(50),
});
