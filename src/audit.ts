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
