import express, { Router, type Response } from 'express';
import { receiveWebhook } from '../../webhooks/receiveWebhook';
import { signed } from '../middleware/auth';
import { IdParams, anyone, validate, type AnyReq } from '../validate';

// Mounted before the body parsers, the session and authentication (see app.ts): the signature
// is computed over the exact bytes received, and a delivery neither reads nor creates a session.
export const api = Router();

/** Webhook bodies above this answer 413. */
export const WEBHOOK_BODY_LIMIT = '1mb';

const Push = {
  params: IdParams,
  summary:
    'Push webhook (GitHub X-Hub-Signature-256, Gitea/Forgejo X-Gitea-Signature, GitLab X-Gitlab-Token, generic HMAC-SHA256 X-Hub-Signature-256); signed, no login',
  status: 202,
  returns: '{event, ref, commit, runs: [{syncRunId, fabricId, status}], outOfSync}',
  rawBody: "the sender's push event, as it signed it",
  responses: {
    200: 'a ping, or an event that is not a push: nothing queued',
    400: 'the body is not JSON',
    401: 'missing or wrong signature; nothing queued',
    413: `body over ${WEBHOOK_BODY_LIMIT}`,
    429: 'too many deliveries for this repository; Retry-After says when to try again',
  },
};

const rawBody = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

api.post('/repositories/:id', signed, validate(Push), rawBody, anyone(receivePush));

async function receivePush(req: AnyReq<typeof Push>, res: Response) {
  const answer = await receiveWebhook({
    repositoryId: req.params.id,
    headers: req.headers,
    body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
  });
  res.status(answer.status).json(answer.body);
}
