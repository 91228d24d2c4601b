import { randomBytes } from 'node:crypto';
import { recordChange } from '../audit';
import { db, type User } from '../db';
import { encryptSecret } from '../secrets/crypto';
import { registerSecret } from '../secrets/redact';
import { NotFound } from '../errors';

/** The path a repository's push webhooks are sent to (the caller adds the origin). */
export function webhookPath(repositoryId: number): string {
  return `/api/v1/webhooks/repositories/${repositoryId}`;
}

/**
 * Creates or replaces a repository's webhook secret. The secret is returned once, here, and
 * stored only encrypted; the previous one stops working at once.
 */
export async function rotateWebhookSecret(props: {
  repositoryId: number;
  user: Pick<User, 'id' | 'username'>;
}): Promise<{ secret: string; path: string }> {
  const repo = await db().gitRepository.findUnique({
    where: { id: props.repositoryId },
    select: { id: true, name: true, encryptedWebhookSecret: true },
  });
  if (!repo) throw new NotFound('repository');
  const secret = randomBytes(32).toString('base64url');
  registerSecret(secret);
  // The change record is written in the save's transaction: there is never one without the other.
  await db().$transaction(async (tx) => {
    await tx.gitRepository.update({
      where: { id: repo.id },
      data: { encryptedWebhookSecret: encryptSecret(secret), webhookSecretCreatedAt: new Date() },
    });
    await recordChange({
      tx,
      user: props.user,
      action: 'update',
      objectType: 'GitRepository',
      objectId: repo.id,
      objectLabel: repo.name,
      // Keys named "secret" are masked in the change log; these say what happened, not the value.
      before: { webhook: repo.encryptedWebhookSecret ? 'signed' : 'no secret' },
      after: { webhook: repo.encryptedWebhookSecret ? 'secret rotated' : 'secret created' },
    });
  });
  return { secret, path: webhookPath(repo.id) };
}
