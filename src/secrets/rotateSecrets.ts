import { config } from '../config';
import { db } from '../db';
import { decryptSecret, encryptSecret, envelopeKeyId, keyId } from './crypto';

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
      where: { encryptedSecret: { not: null } },
      select: { id: true, encryptedSecret: true },
    });
    let rotated = 0;
    for (const repo of repos) {
      if (envelopeKeyId(repo.encryptedSecret!) === currentId) continue;
      await tx.gitRepository.update({
        where: { id: repo.id },
        data: { encryptedSecret: encryptSecret(decryptSecret(repo.encryptedSecret!, keys), keys) },
      });
      rotated++;
    }
    return { rotated, current: repos.length - rotated };
  });
}
