import argon2 from 'argon2';

/** An argon2id hash of the password. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

// Checked against when the username is unknown, so timing does not reveal which usernames exist:
// verifying costs what the hash's parameters say, so this hash has those hashPassword gives
// (test/unit/passwords.test.ts checks they agree). It is a constant, not computed at start-up:
// a hash at import cost every process (and every test file) ~0.5 s of CPU for nothing.
export const DUMMY_HASH =
  '$argon2id$v=19$m=65536,p=4,t=3$PC4c/lDlCcsJxuozWf1rVg$T9IIg2Re4Q5Xb2VKrn4/C2S4LSl+G2lCMIAVk1Rzotg';

/** True when the password matches the hash (or false after the same work when there is no hash). */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  const ok = await argon2.verify(hash ?? DUMMY_HASH, password).catch(() => false);
  return hash !== null && ok;
}
