import { Router, type Request, type Response } from 'express';
import { open } from '../middleware/auth';
import { openApiDocument } from '../openapi';

/** The API's own description: GET /api/v1/openapi.json, read from the route table. */
export const api = Router();

let cached: ReturnType<typeof openApiDocument> | undefined;

async function showOpenApi(_req: Request, res: Response) {
  // The route table imports this router: it is read when first asked for, not at load.
  const { MOUNTS, SIGNED_MOUNTS } = await import('./index');
  cached ??= openApiDocument([...SIGNED_MOUNTS, ...MOUNTS]);
  res.json(cached);
}

api.get('/openapi.json', open, showOpenApi);
