import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { decryptSecret, encryptSecret, envelopeKeyId, keyId } from '../../src/secrets/crypto';
import { rotateSecrets } from '../../src/secrets/rotateSecrets';
import { useTestEnvironment } from '../helpers/env';

await useTestEnvironment();

describe('rotateSecrets', () => {
  it('re-encrypts secrets sealed with an older key under the current one, once', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    await db().gitRepository.createMany({
      data: [
        {
          name: 'a',
          url: 'https://x/a.git',
          authType: 'token',
          encryptedSecret: encryptSecret('secret-a-123', [oldKey]),
        },
        {
          name: 'b',
          url: 'https://x/b.git',
          authType: 'token',
          encryptedSecret: encryptSecret('secret-b-123', [newKey]),
        },
        { name: 'c', url: 'https://x/c.git', authType: 'none' },
      ],
    });
    expect(await rotateSecrets([newKey, oldKey])).toEqual({ rotated: 1, current: 1 });
    const repos = await db().gitRepository.findMany({
      where: { encryptedSecret: { not: null } },
      orderBy: { name: 'asc' },
    });
    expect(repos.map((r) => envelopeKeyId(r.encryptedSecret!))).toEqual([keyId(newKey), keyId(newKey)]);
    expect(repos.map((r) => decryptSecret(r.encryptedSecret!, [newKey]))).toEqual(['secret-a-123', 'secret-b-123']);
    expect(await rotateSecrets([newKey, oldKey])).toEqual({ rotated: 0, current: 2 });
  });

  it('fails without changing anything when a secret was sealed with an unknown key', async () => {
    const stranger = randomBytes(32);
    await db().gitRepository.create({
      data: {
        name: 'd',
        url: 'https://x/d.git',
        authType: 'token',
        encryptedSecret: encryptSecret('secret-d-123', [stranger]),
      },
    });
    const before = await db().gitRepository.findMany({ orderBy: { id: 'asc' } });
    await expect(rotateSecrets([randomBytes(32)])).rejects.toThrow(/not among SECRET_KEY/);
    expect(await db().gitRepository.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });
});
