import argon2 from 'argon2';

/** An argon2id hash of the password. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

// Checked against when the username is unknown, so timing does not reveal which usernames exist.
const dummy = hashPassword('not-a-real-password-0000');

/** True when the password matches the hash (or false after the same work when there is no hash). */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  const ok = await argon2.verify(hash ?? (await dummy), password).catch(() => false);
  return hash !== null && ok;
}
