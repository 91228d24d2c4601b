import { Router } from 'express';
import { open } from '../middleware/auth';
import { openApiDocument } from '../openapi';

export const api = Router();

let cached: ReturnType<typeof openApiDocument> | undefined;

api.get('/openapi.json', open, (_req, res) => {
  cached ??= openApiDocument();
  res.json(cached);
});
