import { config } from '../config';
import { db, type GitRepository } from '../db';
import { GitError, lsRemote } from '../gitops/git';
import { log } from '../log';
import { redactText } from '../secrets/redact';
import { NotFound } from '../errors';
import { gitAuthFor } from './gitAuth';

/**
 * A real `git ls-remote` with the stored credentials: connected with the head commit (and the
 * branch it is on), or failed with a redacted reason.
 */
export async function testConnection(props: { id: number }): Promise<GitRepository & { headBranch: string | null }> {
  const repo = await db().gitRepository.findUnique({ where: { id: props.id } });
  if (!repo) throw new NotFound('repository');
  await db().gitRepository.update({ where: { id: repo.id }, data: { connectionStatus: 'testing' } });
  try {
    const { head, branch } = await lsRemote({
      url: repo.url,
      auth: gitAuthFor(repo),
      branch: repo.defaultBranch ?? undefined,
      timeoutMs: Math.min(repo.timeoutSeconds * 1000, config().gitTimeoutMs),
      allowInsecure: config().allowInsecureGit,
    });
    log.info('repository connected', { repository: repo.name, branch, head });
    const connected = await db().gitRepository.update({
      where: { id: repo.id },
      data: { connectionStatus: 'connected', lastValidatedAt: new Date(), validationError: null, remoteHead: head },
    });
    return { ...connected, headBranch: branch };
  } catch (err) {
    // A GitError's message is redacted where it is made, around the URL it quotes (see gitops/git.ts).
    const message = err instanceof GitError ? err.message : `unexpected error: ${redactText((err as Error).message)}`;
    log.warn('repository connection failed', {
      repository: repo.name,
      kind: err instanceof GitError ? err.kind : 'unknown',
      error: message,
    });
    const failed = await db().gitRepository.update({
      where: { id: repo.id },
      data: { connectionStatus: 'failed', lastValidatedAt: new Date(), validationError: message, remoteHead: null },
    });
    return { ...failed, headBranch: null };
  }
}
