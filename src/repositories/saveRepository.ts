import { changeLog } from '../audit';
import { config } from '../config';
import { db, Prisma, type GitRepository, type User } from '../db';
import { checkHostAllowed, originOf } from '../gitops/hostPolicy';
import { checkRepositoryUrl } from '../gitops/url';
import { encryptSecret } from '../secrets/crypto';
import { registerSecret } from '../secrets/redact';
import { Conflict, FieldConflict, NotFound, ValidationError } from '../errors';
import { jittered } from './checkRepository';
import { repositorySnapshot } from './present';
import type { RepositoryInput, RepositoryPatch } from './schema';

type Actor = Pick<User, 'id' | 'username'>;

const repositoryLog = changeLog<GitRepository>({
  objectType: 'GitRepository',
  label: (r) => r.name,
  snapshot: repositorySnapshot,
});

/** The rules that span fields: URL scheme, credentials that fit the auth type. */
function check(r: { url: string; authType: string; username?: string | null; hasSecret: boolean }): void {
  const fields: Record<string, string> = {};
  const urlProblem =
    checkRepositoryUrl(r.url, { allowInsecure: config().allowInsecureGit }) ??
    checkHostAllowed(r.url, config().gitHosts);
  if (urlProblem) fields.url = urlProblem;
  const ssh = /^ssh:\/\//.test(r.url) || /^[\w.-]+@[\w.-]+:/.test(r.url);
  if (!fields.url && r.authType === 'ssh_key' && !ssh)
    fields.url = 'SSH key authentication needs an ssh:// or user@host:path URL';
  if (!fields.url && (r.authType === 'token' || r.authType === 'basic') && ssh)
    fields.url = `${r.authType} authentication needs an https:// URL`;
  if (r.authType === 'basic' && !r.username)
    fields.username = 'a username is required for username and password authentication';
  if (r.authType !== 'none' && !r.hasSecret)
    fields.secret =
      r.authType === 'ssh_key'
        ? 'a private key is required'
        : r.authType === 'token'
          ? 'a token is required'
          : 'a password is required';
  if (Object.keys(fields).length) throw new ValidationError(fields);
}

function uniqueName<T>(name: string, work: Promise<T>): Promise<T> {
  return work.catch((err) => {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')
      throw new FieldConflict('name', `a repository named "${name}" already exists`);
    throw err;
  });
}

/** A new or re-pointed repository is first checked one (jittered) interval later, or by Test connection. */
function firstCheckAt(): Date {
  return new Date(Date.now() + jittered(config().repositoryCheckIntervalMs));
}

/** Creates a repository; the secret is encrypted before it reaches the database. */
export async function createRepository(props: { input: RepositoryInput; user: Actor }): Promise<GitRepository> {
  const { secret, passphrase, ...rest } = props.input;
  registerSecret(secret);
  registerSecret(passphrase);
  check({ ...rest, hasSecret: !!secret });
  // The change record is written in the save's transaction: there is never one without the other.
  return uniqueName(
    rest.name,
    db().$transaction(async (tx) => {
      const repo = await tx.gitRepository.create({
        data: {
          ...rest,
          username: rest.username ?? null,
          encryptedSecret: rest.authType !== 'none' && secret ? encryptSecret(secret) : null,
          encryptedPassphrase: rest.authType === 'ssh_key' && passphrase ? encryptSecret(passphrase) : null,
          nextCheckAt: firstCheckAt(),
        },
      });
      await repositoryLog.created(tx, props.user, repo);
      return repo;
    }),
  );
}

/** Updates a repository; an absent secret keeps the stored one, a changed URL or secret resets the connection status. */
export async function updateRepository(props: {
  id: number;
  patch: RepositoryPatch;
  user: Actor;
}): Promise<GitRepository> {
  const before = await db().gitRepository.findUnique({ where: { id: props.id } });
  if (!before) throw new NotFound('repository');
  const { secret, passphrase, clearSecret, ...rest } = props.patch;
  registerSecret(secret);
  registerSecret(passphrase);
  const merged = { ...before, ...rest };
  const authChanged = rest.authType !== undefined && rest.authType !== before.authType;
  const keepSecret = !clearSecret && !authChanged && merged.authType !== 'none';
  const encryptedSecret =
    merged.authType === 'none' ? null : secret ? encryptSecret(secret) : keepSecret ? before.encryptedSecret : null;
  check({ url: merged.url, authType: merged.authType, username: merged.username, hasSecret: !!encryptedSecret });
  // A stored secret goes only to the server it was entered for: moving the URL to another scheme,
  // host or port needs it typed again, or an admin could send it to a server of their own and
  // read it there (secrets are write-only, even for admins).
  if (encryptedSecret && !secret && originOf(merged.url) !== originOf(before.url))
    throw new ValidationError({
      secret:
        'enter the secret again: the URL now points at another server, and a stored secret goes only to the server it was entered for',
    });
  const reachChanged =
    merged.url !== before.url ||
    encryptedSecret !== before.encryptedSecret ||
    merged.username !== before.username ||
    authChanged;
  return uniqueName(
    merged.name,
    db().$transaction(async (tx) => {
      const repo = await tx.gitRepository.update({
        where: { id: props.id },
        data: {
          ...rest,
          encryptedSecret,
          // A new key comes with its own passphrase (or none); the stored one goes with the key it opened.
          encryptedPassphrase:
            merged.authType !== 'ssh_key' || !encryptedSecret
              ? null
              : passphrase
                ? encryptSecret(passphrase)
                : secret
                  ? null
                  : before.encryptedPassphrase,
          ...(reachChanged && {
            connectionStatus: 'pending',
            validationError: null,
            lastValidatedAt: null,
            remoteHead: null,
            consecutiveFailures: 0,
            failingSince: null,
            nextCheckAt: firstCheckAt(),
          }),
        },
      });
      await repositoryLog.updated(tx, props.user, before, repo);
      return repo;
    }),
  );
}

/** Deletes a repository unless fabrics use it (409 naming them). */
export async function deleteRepository(props: { id: number; user: Actor }): Promise<void> {
  const repo = await db().gitRepository.findUnique({
    where: { id: props.id },
    include: { fabrics: { select: { id: true, name: true } } },
  });
  if (!repo) throw new NotFound('repository');
  if (repo.fabrics.length) {
    const names = repo.fabrics.map((f) => f.name).join(', ');
    throw new Conflict(
      `repository "${repo.name}" is used by ${repo.fabrics.length} fabric${repo.fabrics.length > 1 ? 's' : ''} (${names}); delete or move them first`,
      { fabrics: repo.fabrics },
    );
  }
  await db().$transaction(async (tx) => {
    await tx.gitRepository.delete({ where: { id: props.id } });
    await repositoryLog.deleted(tx, props.user, repo);
  });
}
