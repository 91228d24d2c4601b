import { db } from '../db';
import { HttpError, NotFound, ValidationError } from '../errors';
import { commitReachable, GitError } from '../gitops/git';
import { resolveRevision } from '../gitops/revision';
import { gitRemote } from '../repositories/gitAuth';

/**
 * "Sync this commit": the commit must be in the history of the fabric's revision (its head or
 * an ancestor), else a 400 naming the revision. Asks the remote (ls-remote, then the revision's
 * commits only).
 */
export async function checkRequestedCommit(props: { fabricId: number; commit: string }): Promise<void> {
  const fabric = await db().fabric.findUnique({ where: { id: props.fabricId }, include: { repository: true } });
  if (!fabric) throw new NotFound('fabric');
  const remote = gitRemote(fabric.repository);
  try {
    const head = await resolveRevision({
      ...remote,
      revision: fabric.branch || fabric.repository.defaultBranch || null,
    });
    if (head.sha === props.commit) return;
    const reachable = await commitReachable({ ...remote, ref: head.ref ?? head.sha, commit: props.commit });
    if (!reachable)
      throw new ValidationError({
        commit: `commit ${props.commit.slice(0, 12)} is not in the history of the fabric's ${head.kind} "${head.name}"`,
      });
  } catch (err) {
    if (err instanceof GitError) throw new HttpError(502, 'git_error', `could not check the commit: ${err.message}`);
    throw err;
  }
}
