// People's accounts: create, edit, reset or change a password, delete. Every change goes into
// the change log (never a password or its hash); the last enabled admin can neither lose the
// role, be disabled nor be deleted.
import { changeLog, recordChange } from '../audit';
import { db, Prisma, type Role, type User } from '../db';
import { Conflict, FieldConflict, NotFound, ValidationError } from '../errors';
import { hashPassword, verifyPassword } from './passwords';

type Actor = Pick<User, 'id' | 'username'>;

/** What the change log keeps of a user. */
export function userSnapshot(u: User) {
  return { username: u.username, role: u.role, disabled: u.disabled };
}

const userLog = changeLog<User>({ objectType: 'User', label: (u) => u.username, snapshot: userSnapshot });

function taken<T>(username: string, work: Promise<T>): Promise<T> {
  return work.catch((err) => {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')
      throw new FieldConflict('username', `the username "${username}" is taken (names are the same in any case)`);
    throw err;
  });
}

/** The user, or NotFound: the one loader of the user pages. */
export async function loadUser(id: number): Promise<User> {
  const user = await db().user.findUnique({ where: { id } });
  if (!user) throw new NotFound('user');
  return user;
}

/** Refuses a change that would leave no enabled admin. */
async function keepAnAdmin(user: User, after: { role: Role; disabled: boolean } | null): Promise<void> {
  if (user.role !== 'admin' || user.disabled) return;
  if (after && after.role === 'admin' && !after.disabled) return;
  const others = await db().user.count({ where: { role: 'admin', disabled: false, id: { not: user.id } } });
  if (!others)
    throw new Conflict(`${user.username} is the last enabled admin: make another user an admin first`, {
      fields: { role: 'the last enabled admin keeps this role' },
    });
}

/** Creates a user. */
export async function createUser(props: {
  input: { username: string; password: string; role: Role };
  actor: Actor;
}): Promise<User> {
  const { username, password, role } = props.input;
  const passwordHash = await hashPassword(password);
  return taken(
    username,
    db().$transaction(async (tx) => {
      const user = await tx.user.create({ data: { username, role, passwordHash } });
      await userLog.created(tx, props.actor, user);
      return user;
    }),
  );
}

/** Renames a user, changes the role or disables the account (an admin). */
export async function updateUser(props: {
  id: number;
  patch: { username?: string; role?: Role; disabled?: boolean };
  actor: Actor;
}): Promise<User> {
  const before = await loadUser(props.id);
  const after = { role: props.patch.role ?? before.role, disabled: props.patch.disabled ?? before.disabled };
  if (props.id === props.actor.id && (after.disabled || after.role !== 'admin'))
    throw new Conflict('you cannot disable yourself or remove your own admin role');
  await keepAnAdmin(before, after);
  return taken(
    props.patch.username ?? before.username,
    db().$transaction(async (tx) => {
      const user = await tx.user.update({ where: { id: before.id }, data: props.patch });
      await userLog.updated(tx, props.actor, before, user);
      return user;
    }),
  );
}

/** Sets a new password and ends the user's sessions (sessionEpoch + 1); returns the new epoch. */
async function setPassword(user: User, password: string, actor: Actor, what: string): Promise<number> {
  const updated = await db().user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(password), sessionEpoch: { increment: 1 } },
  });
  await recordChange({
    user: actor,
    action: 'update',
    objectType: 'User',
    objectId: user.id,
    objectLabel: user.username,
    before: { password: what === 'changed' ? 'old' : 'previous' },
    after: { password: what, sessions: 'ended' },
  });
  return updated.sessionEpoch;
}

/** An admin sets someone's password: every session of that user ends. */
export async function resetPassword(props: { id: number; password: string; actor: Actor }): Promise<void> {
  await setPassword(await loadUser(props.id), props.password, props.actor, 'reset by an admin');
}

/**
 * A user changes their own password, proving the current one; their other sessions end.
 * Returns the new session epoch, for the session that asked to stay signed in.
 */
export async function changeOwnPassword(props: { user: User; current: string; password: string }): Promise<number> {
  if (!(await verifyPassword(props.user.passwordHash, props.current)))
    throw new ValidationError({ current: 'this is not your current password' });
  if (props.current === props.password)
    throw new ValidationError({ password: 'the new password must differ from the current one' });
  return setPassword(props.user, props.password, props.user, 'changed');
}

/** Deletes a user (their tokens go with them; their changes and runs keep their name). */
export async function deleteUser(props: { id: number; actor: Actor }): Promise<User> {
  const user = await loadUser(props.id);
  if (user.id === props.actor.id) throw new Conflict('you cannot delete yourself');
  await keepAnAdmin(user, null);
  await db().$transaction(async (tx) => {
    await tx.user.delete({ where: { id: user.id } });
    await userLog.deleted(tx, props.actor, user);
  });
  return user;
}
