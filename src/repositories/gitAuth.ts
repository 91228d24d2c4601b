import type { GitRepository } from '../db';
import type { GitAuth } from '../gitops/git';
import { decryptSecret } from '../secrets/crypto';

/** The credentials git needs for a repository, decrypted at the last moment. */
export function gitAuthFor(
  repo: Pick<GitRepository, 'authType' | 'username' | 'encryptedSecret' | 'knownHosts'>,
): GitAuth {
  const secret = repo.encryptedSecret ? decryptSecret(repo.encryptedSecret) : '';
  switch (repo.authType) {
    case 'none':
      return { type: 'none' };
    case 'token':
      return { type: 'token', username: repo.username ?? undefined, token: secret };
    case 'basic':
      return { type: 'basic', username: repo.username ?? '', password: secret };
    case 'ssh_key':
      return { type: 'ssh_key', privateKey: secret, knownHosts: repo.knownHosts ?? undefined };
  }
}
