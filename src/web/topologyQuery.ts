import { z } from 'zod';
import { EXPORT_FORMATS } from '../topology/exports';

const oneOrMany = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

/** `GET /fabrics/:id/topology` and `GET /api/v1/fabrics/:id/topology`. */
export const TopologyQuery = z.object({
  format: z.enum([...EXPORT_FORMATS, 'json']).optional(),
  expand: oneOrMany.pipe(z.array(z.string().max(600)).max(500)).default([]),
  vpc: z.string().max(253).optional(),
  q: z.string().max(253).optional(),
  validation: z.enum(['on', 'off']).optional(),
});

/** What the picture shows: racks expanded, the VPC overlaid, the search, validation colours. */
export interface TopologyView {
  expand: string[];
  vpc: string | null;
  q: string | null;
  validation: boolean;
}
