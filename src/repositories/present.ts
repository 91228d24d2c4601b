import type { Fabric, GitRepository } from '../db';
import { webhookPath } from '../webhooks/rotateWebhookSecret';

/** The API shape of a repository: the secret never leaves, only whether there is one. */
export function presentRepository(r: GitRepository & { fabrics?: Pick<Fabric, 'id' | 'name'>[] }) {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    authType: r.authType,
    username: r.username,
    hasCredentials: !!r.encryptedSecret,
    knownHosts: r.knownHosts,
    defaultBranch: r.defaultBranch,
    timeoutSeconds: r.timeoutSeconds,
    connectionStatus: r.connectionStatus,
    lastValidatedAt: r.lastValidatedAt,
    validationError: r.validationError,
    head: r.remoteHead,
    caCertificate: r.caCertificate,
    webhook: {
      path: webhookPath(r.id),
      hasSecret: !!r.encryptedWebhookSecret,
      secretCreatedAt: r.webhookSecretCreatedAt,
    },
    fabrics: (r.fabrics ?? []).map((f) => ({ id: f.id, name: f.name })),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** What the change log keeps of a repository. */
export function repositorySnapshot(r: GitRepository) {
  return {
    name: r.name,
    url: r.url,
    authType: r.authType,
    username: r.username,
    hasCredentials: !!r.encryptedSecret,
    defaultBranch: r.defaultBranch,
    timeoutSeconds: r.timeoutSeconds,
  };
}
