// An unknown username is checked against a constant hash, so that a failed login costs the same
// whether or not the user exists. That holds only while the constant has the parameters (cost)
// of the hashes hashPassword makes.
import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../src/auth/passwords';

/** The algorithm, version and cost parameters of a PHC string, without salt and digest. */
const parameters = (hash: string) => hash.split('$').slice(1, 4).join('$');

describe('password hashes', () => {
  it('the hash an unknown user is checked against costs what a real one does', async () => {
    const real = await hashPassword('a-real-password-1234');
    expect(parameters(real)).toMatch(/^argon2id\$v=\d+\$m=\d+,p=\d+,t=\d+$/);
    expect(parameters(DUMMY_HASH)).toBe(parameters(real));
    expect(DUMMY_HASH.split('$')).toHaveLength(6);
    expect(await verifyPassword(real, 'a-real-password-1234')).toBe(true);
    expect(await verifyPassword(real, 'wrong')).toBe(false);
  });

  it('never lets anyone in without a hash, whatever the password', async () => {
    expect(await verifyPassword(null, 'not-a-real-password-0000')).toBe(false);
    expect(await verifyPassword(null, '')).toBe(false);
  });
});
