import { GitError, lsRemote, listRemoteRefs, type GitAuth } from './git';

export type RevisionKind = 'branch' | 'tag' | 'commit';

// A fabric follows a revision: a branch, a tag or a commit sha (null: the repository's default
// branch). A bare name may be a branch or a tag; which one is learnt from the remote
// (ls-remote) and kept in `revisionKind`; `refs/heads/…` and `refs/tags/…` say it outright.

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** Whether a revision is a full commit sha. */
export function isCommitSha(revision: string | null | undefined): boolean {
  return !!revision && SHA.test(revision);
}

/** What a revision is without asking the remote; null when a bare name may be a branch or a tag. */
export function declaredKind(revision: string | null | undefined): RevisionKind | null {
  if (!revision) return 'branch';
  if (isCommitSha(revision)) return 'commit';
  if (revision.startsWith('refs/heads/')) return 'branch';
  if (revision.startsWith('refs/tags/')) return 'tag';
  return null;
}

/** The name without its refs/heads/ or refs/tags/ prefix. */
export function shortRevision(revision: string): string {
  return revision.replace(/^refs\/(heads|tags)\//, '');
}

/** Whether a fabric following `revision` is moved by a push of `ref` (a full ref name). */
export function followsRef(props: {
  revision: string | null;
  revisionKind: RevisionKind | null;
  /** The repository's configured default branch, else what the sender says it is. */
  defaultBranch: string | null;
  ref: string;
}): boolean {
  const { revision, ref } = props;
  if (!revision) {
    // Not knowing the default branch, any branch push may be it: the sync's ls-remote settles it cheaply.
    return props.defaultBranch ? ref === `refs/heads/${props.defaultBranch}` : ref.startsWith('refs/heads/');
  }
  const kind = declaredKind(revision) ?? props.revisionKind;
  if (kind === 'commit') return false;
  const name = shortRevision(revision);
  if (ref === `refs/heads/${name}`) return kind !== 'tag';
  if (ref === `refs/tags/${name}`) return kind !== 'branch';
  return false;
}

/** The words a page uses for what a fabric follows. */
export function describeRevision(revision: string | null, kind: RevisionKind | null, defaultBranch: string | null) {
  if (!revision) return { kind: 'branch' as const, label: 'default branch', name: defaultBranch };
  return {
    kind: declaredKind(revision) ?? kind,
    label: declaredKind(revision) ?? kind ?? 'branch or tag',
    name: shortRevision(revision),
  };
}

export interface ResolvedRevision {
  /** The commit the revision points at now. */
  sha: string;
  kind: RevisionKind;
  /** The name to clone or fetch: the branch or tag (short), or the commit sha. */
  name: string;
  /** The full ref (refs/heads/…, refs/tags/…); null for a commit. */
  ref: string | null;
}

/**
 * The commit a revision points at, with one ls-remote: null follows the remote's default branch
 * (HEAD); a sha is itself; a bare name is a branch if one exists, else a tag (annotated tags
 * peeled to their commit).
 */
export async function resolveRevision(opts: {
  url: string;
  auth: GitAuth;
  revision: string | null;
  timeoutMs: number;
  allowInsecure?: boolean;
  caCertificate?: string | null;
}): Promise<ResolvedRevision> {
  const { revision, ...git } = opts;
  if (!revision) {
    const { head, branch } = await lsRemote(git);
    return { sha: head, kind: 'branch', name: branch, ref: `refs/heads/${branch}` };
  }
  if (isCommitSha(revision))
    return { sha: revision.toLowerCase(), kind: 'commit', name: revision.toLowerCase(), ref: null };
  const name = shortRevision(revision);
  const declared = declaredKind(revision);
  const branchRef = `refs/heads/${name}`;
  const tagRef = `refs/tags/${name}`;
  const wanted = [
    ...(declared !== 'tag' ? [branchRef] : []),
    ...(declared !== 'branch' ? [tagRef, `${tagRef}^{}`] : []),
  ];
  const refs = await listRemoteRefs(git, wanted);
  const branchSha = refs.get(branchRef);
  if (branchSha) return { sha: branchSha, kind: 'branch', name, ref: branchRef };
  const tagSha = refs.get(`${tagRef}^{}`) ?? refs.get(tagRef);
  if (tagSha) return { sha: tagSha, kind: 'tag', name, ref: tagRef };
  const what = declared === 'branch' ? 'branch' : declared === 'tag' ? 'tag' : 'branch or tag';
  throw new GitError('branch_not_found', `${what} "${name}" not found in ${opts.url}`);
}
