import type { Fabric, GitRepository, RepositoryCheck } from '../db';
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
    hasPassphrase: !!r.encryptedPassphrase,
    knownHosts: r.knownHosts,
    defaultBranch: r.defaultBranch,
    timeoutSeconds: r.timeoutSeconds,
    connectionStatus: r.connectionStatus,
    lastValidatedAt: r.lastValidatedAt,
    validationError: r.validationError,
    /** The last health check, whatever its outcome (lastValidatedAt is the last successful one). */
    lastCheckedAt: r.lastCheckedAt,
    nextCheckAt: r.nextCheckAt,
    consecutiveFailures: r.consecutiveFailures,
    failingSince: r.failingSince,
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

/** The API shape of one health check. */
export function presentCheck(c: RepositoryCheck) {
  return {
    id: c.id,
    time: c.time,
    ok: c.ok,
    durationMs: c.durationMs,
    errorClass: c.errorClass,
    error: c.error,
    trigger: c.trigger,
  };
}
