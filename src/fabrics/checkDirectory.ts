import { config } from '../config';
import { db } from '../db';
import { GitError, listDirectories } from '../gitops/git';
import { nearestDirectories } from '../gitops/directory';
import { gitAuthFor } from '../repositories/gitAuth';
import { isCommitSha } from '../gitops/revision';

/**
 * Whether a fabric's directory exists at the head of the branch it follows (git ls-tree of a
 * tree-only shallow clone): the fabric form warns before the first sync fails. Null when there is
 * nothing to say (it exists, the whole repository, or a commit is followed); a warning otherwise.
 */
export async function checkDirectory(props: {
  repositoryId: number;
  gitopsDirectory: string;
  branch: string | null;
}): Promise<string | null> {
  if (!props.gitopsDirectory || (props.branch && isCommitSha(props.branch))) return null;
  const repo = await db().gitRepository.findUnique({ where: { id: props.repositoryId } });
  if (!repo) return null;
  try {
    const tree = await listDirectories({
      url: repo.url,
      auth: gitAuthFor(repo),
      branch: props.branch ?? repo.defaultBranch ?? undefined,
      timeoutMs: Math.min(repo.timeoutSeconds * 1000, config().gitTimeoutMs),
      allowInsecure: config().allowInsecureGit,
    });
    if (tree.directories.includes(props.gitopsDirectory)) return null;
    const nearest = nearestDirectories(tree.directories, props.gitopsDirectory);
    return (
      `Directory ${props.gitopsDirectory} does not exist at the head of ${tree.branch} (${tree.sha.slice(0, 8)}): ` +
      (nearest.length ? `directories there include ${nearest.join(', ')}.` : 'the branch has no directory.') +
      ' A sync fails until it exists.'
    );
  } catch (err) {
    if (err instanceof GitError) return `The directory could not be checked: ${err.message}`;
    throw err;
  }
}
