import { hit } from '../auth/rateLimit';
import { db, Prisma } from '../db';
import type { SyncWindow } from '../fabrics/schema';
import { activeSyncWindow } from '../fabrics/syncWindows';
import { followsRef } from '../gitops/revision';
import { log } from '../log';
import { decryptSecret } from '../secrets/crypto';
import { recordRemoteHead } from '../sync/fabricStatus';
import { startSync } from '../sync/startSync';
import { HttpError, NotFound, TooManyRequests, Unauthorized } from '../errors';
import { payloadOf, readEvent } from './pushEvent';
import { providerOf, verifyDelivery } from './signature';

/** Deliveries kept per repository. */
export const KEPT_DELIVERIES = 50;
/** Deliveries accepted per repository and minute, signed or not. */
export const DELIVERIES_PER_MINUTE = 120;

type Headers = Record<string, string | string[] | undefined>;

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Handles one push webhook for a repository: verifies its signature over the raw body, then
 * queues a sync (trigger `webhook`) of every automatic fabric that follows the pushed ref and
 * marks the manual ones out of sync. Every delivery with a known repository is recorded.
 */
export async function receiveWebhook(props: {
  repositoryId: number;
  headers: Headers;
  body: Buffer;
}): Promise<WebhookAnswer> {
  const repo = await db().gitRepository.findUnique({
    where: { id: props.repositoryId },
    select: { id: true, name: true, defaultBranch: true, encryptedWebhookSecret: true },
  });
  if (!repo) throw new NotFound('repository');
  const limit = await hit('webhook', String(repo.id), DELIVERIES_PER_MINUTE, 60);
  if (!limit.allowed) throw new TooManyRequests(limit.retryAfter);

  const provider = providerOf(props.headers) ?? 'unknown';
  const record = (delivery: Omit<Delivery, 'provider'>) => saveDelivery(repo.id, { provider, ...delivery });

  if (!repo.encryptedWebhookSecret) {
    const message = 'this repository has no webhook secret yet: an admin creates one on the repository page';
    await record({ event: '?', status: 401, outcome: message });
    throw new Unauthorized(message);
  }
  const verdict = verifyDelivery(props.headers, props.body, decryptSecret(repo.encryptedWebhookSecret));
  if (!verdict.ok) {
    await record({ event: '?', status: 401, outcome: `refused: ${verdict.reason}` });
    throw new Unauthorized(verdict.reason);
  }

  let payload: unknown;
  try {
    payload = payloadOf(props.body, headerOf(props.headers, 'content-type'));
  } catch {
    await record({ event: '?', status: 400, outcome: 'the body is not JSON' });
    throw new HttpError(400, 'bad_request', 'the webhook body is not JSON');
  }
  const event = readEvent(verdict.provider, props.headers, payload);
  if (event.type === 'ping') {
    await record({ event: event.event, status: 200, outcome: 'ping' });
    return { status: 200, body: { event: event.event, ok: true } };
  }
  if (event.type === 'other') {
    await record({ event: event.event, status: 200, outcome: `ignored: not a push` });
    return { status: 200, body: { event: event.event, ignored: true } };
  }
  if (!event.commit) {
    await record({ event: event.event, status: 200, outcome: 'ignored: the ref was deleted', ref: event.ref });
    return { status: 200, body: { event: event.event, ref: event.ref, ignored: true } };
  }

  const fabrics = await db().fabric.findMany({
    where: { repositoryId: repo.id, syncEnabled: true },
    select: { id: true, branch: true, revisionKind: true, syncPolicy: true, syncWindows: true },
    orderBy: { id: 'asc' },
  });
  const followers = fabrics.filter((f) =>
    followsRef({
      revision: f.branch,
      revisionKind: f.revisionKind,
      defaultBranch: repo.defaultBranch ?? event.defaultBranch,
      ref: event.ref,
    }),
  );
  const runs: { syncRunId: number; fabricId: number; status: string; created: boolean }[] = [];
  // During a sync window an automatic fabric waits like a manual one: the periodic check syncs it after.
  const waiting = (f: (typeof followers)[number]) =>
    f.syncPolicy === 'manual' || !!activeSyncWindow(f.syncWindows as SyncWindow[]);
  for (const fabric of followers.filter((f) => !waiting(f))) {
    // An active run is returned instead of a second one: a burst of pushes gives one queued run.
    const { run, created } = await startSync({ fabricId: fabric.id, trigger: 'webhook', user: null });
    runs.push({ syncRunId: run.id, fabricId: fabric.id, status: run.status, created });
  }
  const manual = followers.filter(waiting).map((f) => f.id);
  if (manual.length) await markOutOfSync(manual, event.commit);
  const outcome = followers.length
    ? [
        runs.length && `queued ${runs.length} sync${runs.length > 1 ? 's' : ''}`,
        manual.length &&
          `${manual.length} fabric${manual.length > 1 ? 's' : ''} (manual or in a sync window) marked out of sync`,
      ]
        .filter(Boolean)
        .join('; ')
    : `no fabric follows ${event.ref}`;
  await record({
    event: event.event,
    status: 202,
    outcome,
    ref: event.ref,
    commit: event.commit,
    runs: runs.map((r) => r.syncRunId),
  });
  log.info('webhook received', { repository: repo.name, ref: event.ref, commit: event.commit, runs: runs.length });
  return {
    status: 202,
    body: {
      event: event.event,
      ref: event.ref,
      commit: event.commit,
      runs,
      outOfSync: manual.map((id) => ({ fabricId: id })),
    },
  };
}

function headerOf(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A manual fabric whose revision moved past its synced commit is out of sync; nothing is queued. */
async function markOutOfSync(fabricIds: number[], head: string): Promise<void> {
  await recordRemoteHead(fabricIds, head);
}

/** What the repository page lists of a delivery: who sent what, the answer and the runs it queued. */
interface Delivery {
  provider: string;
  event: string;
  status: number;
  outcome: string;
  ref?: string;
  commit?: string | null;
  runs?: number[];
}

/** Records a delivery and keeps only the newest KEPT_DELIVERIES of the repository. */
async function saveDelivery(repositoryId: number, d: Delivery): Promise<void> {
  await db().$transaction([
    db().webhookDelivery.create({
      data: {
        repositoryId,
        provider: d.provider,
        event: d.event.slice(0, 100),
        ref: d.ref?.slice(0, 500) ?? null,
        commit: d.commit ?? null,
        httpStatus: d.status,
        outcome: d.outcome.slice(0, 500),
        syncRunIds: d.runs ?? [],
      },
    }),
    db().$executeRaw(Prisma.sql`
      DELETE FROM "WebhookDelivery" WHERE "repositoryId" = ${repositoryId} AND id NOT IN (
        SELECT id FROM "WebhookDelivery" WHERE "repositoryId" = ${repositoryId} ORDER BY id DESC LIMIT ${KEPT_DELIVERIES})`),
  ]);
}
