import { config } from '../config';
import type { GitRepository } from '../db';
import type { GitAuth } from '../gitops/git';
import { decryptSecret } from '../secrets/crypto';

/** The credentials git needs for a repository, decrypted at the last moment. */
export function gitAuthFor(
  repo: Pick<GitRepository, 'authType' | 'username' | 'encryptedSecret' | 'knownHosts'> &
    Partial<Pick<GitRepository, 'encryptedPassphrase'>>,
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
      return {
        type: 'ssh_key',
        privateKey: secret,
        passphrase: repo.encryptedPassphrase ? decryptSecret(repo.encryptedPassphrase) : undefined,
        knownHosts: repo.knownHosts ?? undefined,
      };
  }
}

/** Everything a git call needs to reach a repository: URL, credentials, CA, timeout, the insecure switch. */
export function gitRemote(repo: GitRepository) {
  return {
    url: repo.url,
    auth: gitAuthFor(repo),
    caCertificate: repo.caCertificate,
    timeoutMs: Math.min(repo.timeoutSeconds * 1000, config().gitTimeoutMs),
    allowInsecure: config().allowInsecureGit,
  };
}
