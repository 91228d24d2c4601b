import { config } from '../config';
import { db } from '../db';
import { decryptSecret, encryptSecret, envelopeKeyId, keyId } from './crypto';

/** Every column that holds an envelope. */
const ENCRYPTED = ['encryptedSecret', 'encryptedPassphrase', 'encryptedWebhookSecret'] as const;

/**
 * Re-encrypts every stored secret with the current key (the first of SECRET_KEY); older keys
 * in SECRET_KEYS_PREVIOUS decrypt. Idempotent: secrets already under the current key are left.
 */
export async function rotateSecrets(
  keys: Buffer[] = config().secretKeys,
): Promise<{ rotated: number; current: number }> {
  const currentId = keyId(keys[0]!);
  return db().$transaction(async (tx) => {
    const repos = await tx.gitRepository.findMany({
      where: { OR: ENCRYPTED.map((column) => ({ [column]: { not: null } })) },
      select: { id: true, encryptedSecret: true, encryptedPassphrase: true, encryptedWebhookSecret: true },
    });
    let rotated = 0;
    let current = 0;
    for (const repo of repos) {
      const data: Partial<Record<(typeof ENCRYPTED)[number], string>> = {};
      for (const column of ENCRYPTED) {
        const envelope = repo[column];
        if (!envelope) continue;
        if (envelopeKeyId(envelope) === currentId) current++;
        else {
          data[column] = encryptSecret(decryptSecret(envelope, keys), keys);
          rotated++;
        }
      }
      if (Object.keys(data).length) await tx.gitRepository.update({ where: { id: repo.id }, data });
    }
    return { rotated, current };
  });
}
