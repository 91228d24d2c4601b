import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { config } from '../config';
import { registerSecret } from './redact';

// Envelope: "<keyId>:<iv>:<tag>:<ciphertext>" (base64url parts). The key id is a fingerprint
// of the key, so rotation needs no key numbering: any configured key that matches decrypts.

/** A short fingerprint naming a key without revealing it. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Encrypts with the current key (AES-256-GCM). */
export function encryptSecret(plain: string, keys: Buffer[] = config().secretKeys): string {
  const key = keys[0]!;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [keyId(key), iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join(':');
}

/** The key id an envelope was sealed with. */
export function envelopeKeyId(envelope: string): string {
  return envelope.split(':')[0] ?? '';
}

/** Decrypts with whichever configured key sealed the envelope; the plain text is registered for redaction. */
export function decryptSecret(envelope: string, keys: Buffer[] = config().secretKeys): string {
  const [id, iv, tag, data] = envelope.split(':');
  const key = keys.find((k) => keyId(k) === id);
  if (!key || !iv || !tag || data === undefined) {
    throw new Error(
      `cannot decrypt a stored secret: its key ${id ?? '?'} is not among SECRET_KEY and SECRET_KEYS_PREVIOUS`,
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  registerSecret(plain);
  return plain;
}
