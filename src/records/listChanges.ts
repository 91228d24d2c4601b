import { findKind } from '../crds';
import { db, type Prisma } from '../db';
import { commitUrl } from './sourceLink';

const withCommit = {
  syncRun: {
    select: {
      commitSha: true,
      commitAuthor: true,
      commitMessage: true,
      fabric: { select: { repository: { select: { url: true } } } },
    },
  },
} as const;
type ChangeWithRun = Prisma.ChangeRecordGetPayload<{ include: typeof withCommit }>;

/** The commit a sync's change came from, linked where the repository URL has a web address; null for people's edits. */
export function changeCommit(c: ChangeWithRun) {
  const run = c.syncRun;
  if (!run?.commitSha) return null;
  return {
    sha: run.commitSha,
    author: run.commitAuthor,
    message: run.commitMessage,
    url: commitUrl({ repositoryUrl: run.fabric.repository.url, commit: run.commitSha }),
  };
}

/** The API shape of a change-log entry. */
export function presentChange(c: ChangeWithRun) {
  return {
    id: c.id,
    time: c.time,
    actor: c.actorLabel,
    userId: c.userId,
    action: c.action,
    objectType: c.objectType,
    objectId: c.objectId,
    objectLabel: c.objectLabel,
    fabricId: c.fabricId,
    syncRunId: c.syncRunId,
    commit: changeCommit(c),
    before: c.before,
    after: c.after,
  };
}

/** One page of the change log, newest first, with the commit of every change a sync made. */
export async function listChanges(props: {
  fabric?: number;
  syncRun?: number;
  /** A kind (`VPC`), its plural or slug, or Fabric / GitRepository. */
  kind?: string;
  page: number;
  perPage: number;
}): Promise<{ items: ReturnType<typeof presentChange>[]; total: number }> {
  const objectType = props.kind ? (findKind(props.kind)?.kind ?? props.kind) : undefined;
  const where: Prisma.ChangeRecordWhereInput = {
    ...(props.fabric && { fabricId: props.fabric }),
    ...(props.syncRun && { syncRunId: props.syncRun }),
    ...(objectType && { objectType }),
  };
  const [items, total] = await Promise.all([
    db().changeRecord.findMany({
      where,
      include: withCommit,
      orderBy: { id: 'desc' },
      skip: (props.page - 1) * props.perPage,
      take: props.perPage,
    }),
    db().changeRecord.count({ where }),
  ]);
  return { items: items.map(presentChange), total };
}
