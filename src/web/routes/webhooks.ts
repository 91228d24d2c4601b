import express, { Router } from 'express';
import { receiveWebhook } from '../../webhooks/receiveWebhook';
import { signed } from '../middleware/auth';

// Mounted before the body parsers, the session and authentication (see app.ts): the signature
// is computed over the exact bytes received, and a delivery neither reads nor creates a session.
export const api = Router();

/** Webhook bodies above this answer 413. */
export const WEBHOOK_BODY_LIMIT = '1mb';

api.post(
  '/repositories/:id',
  signed,
  express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
  async (req, res) => {
    const answer = await receiveWebhook({
      repositoryId: Number(req.params.id) || 0,
      headers: req.headers,
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    res.status(answer.status).json(answer.body);
  },
);
