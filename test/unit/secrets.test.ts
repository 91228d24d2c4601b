import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, envelopeKeyId, keyId } from '../../src/secrets/crypto';
import { redact, redactText, registerSecret } from '../../src/secrets/redact';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe('encryptSecret / decryptSecret', () => {
  it('round-trips with AES-256-GCM and names the key it used', () => {
    const envelope = encryptSecret('ghp_supersecret', [k1]);
    expect(envelope).not.toContain('ghp_supersecret');
    expect(envelopeKeyId(envelope)).toBe(keyId(k1));
    expect(decryptSecret(envelope, [k1])).toBe('ghp_supersecret');
  });

  it('decrypts with an older key after rotation and refuses an unknown key', () => {
    const old = encryptSecret('s3cret-value', [k1]);
    expect(decryptSecret(old, [k2, k1])).toBe('s3cret-value');
    expect(() => decryptSecret(old, [k2])).toThrow(/not among SECRET_KEY/);
  });

  it('detects tampering', () => {
    const [id, iv, tag, data] = encryptSecret('value-1234', [k1]).split(':');
    const flipped = Buffer.from(data!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => decryptSecret([id, iv, tag, flipped.toString('base64url')].join(':'), [k1])).toThrow();
  });
});

describe('redact', () => {
  it('masks registered secrets in their plain, base64 and URL-encoded forms', () => {
    registerSecret('p@ss/word+1');
    const text = `a p@ss/word+1 b ${Buffer.from('p@ss/word+1').toString('base64')} c ${encodeURIComponent('p@ss/word+1')}`;
    expect(redactText(text)).toBe('a *** b *** c ***');
  });

  it('masks credentials in URLs and authorization headers', () => {
    expect(redactText('fatal: https://bob:hunter2@git.example.com/x.git')).toBe(
      'fatal: https://***@git.example.com/x.git',
    );
    expect(redactText('Authorization: Basic Ym9iOmh1bnRlcjI=')).toBe('Authorization: Basic ***');
  });

  it('masks sensitive keys and errors in nested values', () => {
    const out = redact({
      user: 'bob',
      password: 'x',
      nested: { secret: 'y', list: [{ token: 'z' }] },
      err: new Error('https://u:p@h/'),
    });
    expect(out).toMatchObject({
      user: 'bob',
      password: '***',
      nested: { secret: '***', list: [{ token: '***' }] },
      err: { message: 'https://***@h/' },
    });
  });
});
