import { z } from 'zod';

/** ?page=&perPage= with the NetBox choices; out-of-range values are clamped, not refused. */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).catch(1).default(1),
  perPage: z.coerce.number().int().min(1).max(1000).catch(50).default(50),
});
