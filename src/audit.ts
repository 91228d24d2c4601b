import { db, type Prisma, type User } from './db';
import { maskSensitiveKeys } from './secrets/redact';

/** Adds a change-log entry for an edit made by a person (syncs write theirs in bulk, see sync/apply). */
export async function recordChange(props: {
  user: Pick<User, 'id' | 'username'> | null;
  action: 'create' | 'update' | 'delete';
  objectType: string;
  objectId: number;
  objectLabel: string;
  /** Who did it when no person did (e.g. "repository check (schedule)"). */
  actorLabel?: string;
  before?: object | null;
  after?: object | null;
  tx?: Prisma.TransactionClient;
}): Promise<void> {
  await (props.tx ?? db()).changeRecord.create({
    data: {
      userId: props.user?.id ?? null,
      actorLabel: props.user?.username ?? props.actorLabel ?? 'system',
      action: props.action,
      objectType: props.objectType,
      objectId: props.objectId,
      objectLabel: props.objectLabel,
      before: props.before ? (maskSensitiveKeys(props.before) as Prisma.InputJsonValue) : undefined,
      after: props.after ? (maskSensitiveKeys(props.after) as Prisma.InputJsonValue) : undefined,
    },
  });
}

type Actor = Pick<User, 'id' | 'username'>;
type Tx = Prisma.TransactionClient | undefined;

/**
 * The change log of one kind of object people save (a fabric, a repository, a user), declared
 * once: what it is called in the log, its label and the snapshot kept of it. Each write goes in
 * the save's transaction when one is given, so there is never a save without its record.
 */
export function changeLog<T extends { id: number }>(of: {
  objectType: string;
  label(row: T): string;
  snapshot(row: T): object;
}) {
  const write = (
    tx: Tx,
    user: Actor,
    action: 'create' | 'update' | 'delete',
    row: T,
    before?: object,
    after?: object,
  ) =>
    recordChange({
      tx,
      user,
      action,
      objectType: of.objectType,
      objectId: row.id,
      objectLabel: of.label(row),
      before,
      after,
    });
  return {
    created: (tx: Tx, user: Actor, row: T) => write(tx, user, 'create', row, undefined, of.snapshot(row)),
    updated: (tx: Tx, user: Actor, before: T, after: T) =>
      write(tx, user, 'update', after, of.snapshot(before), of.snapshot(after)),
    /** `extra` adds what went with it (a fabric's record count). */
    deleted: (tx: Tx, user: Actor, row: T, extra: object = {}) =>
      write(tx, user, 'delete', row, { ...of.snapshot(row), ...extra }),
  };
}
