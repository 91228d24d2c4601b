import { changeLog } from '../audit';
import { db, Prisma, type Fabric, type User } from '../db';
import { GitopsDirectoryError, normalizeGitopsDirectory } from '../gitops/directory';
import { Conflict, FieldConflict, NotFound, ValidationError } from '../errors';
import { fabricSnapshot } from './present';
import { mergeSettings, sameSettings } from './settings';
import { declaredKind } from '../gitops/revision';
import { refreshSyncStatus } from '../sync/fabricStatus';
import type { FabricInput, FabricPatch } from './schema';

type Actor = Pick<User, 'id' | 'username'>;

const fabricLog = changeLog<Fabric>({ objectType: 'Fabric', label: (f) => f.name, snapshot: fabricSnapshot });

function directory(input: string): string {
  try {
    return normalizeGitopsDirectory(input);
  } catch (err) {
    if (err instanceof GitopsDirectoryError) throw new ValidationError({ gitopsDirectory: err.message });
    throw err;
  }
}

async function save<T>(work: Promise<T>, input: { id?: number; name?: string; gitopsDirectory?: string }): Promise<T> {
  return work.catch(async (err) => {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      // Which unique key it broke is asked of the table: the driver adapter's error does not
      // always name the constraint, and the name is the likelier clash.
      const named = await db().fabric.findFirst({
        where: { name: input.name, ...(input.id && { id: { not: input.id } }) },
        select: { id: true },
      });
      throw named
        ? new FieldConflict('name', `a fabric named "${input.name}" already exists`)
        : new FieldConflict(
            'gitopsDirectory',
            `another fabric already uses directory "${input.gitopsDirectory || '/'}" of this repository`,
          );
    }
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2003')
      throw new ValidationError({ repositoryId: 'no such repository' });
    throw err;
  });
}

function toData(input: FabricPatch) {
  const { enabled, gitopsDirectory, revision, branch, syncWindows, settings: _settings, ...rest } = input;
  // `revision` is the field's name now; `branch` is still accepted. Both are stored in `branch`.
  const followed = revision !== undefined ? revision : branch;
  return {
    ...rest,
    ...(followed !== undefined && { branch: followed, revisionKind: declaredKind(followed) }),
    ...(syncWindows !== undefined && { syncWindows: syncWindows as Prisma.InputJsonValue }),
    ...(enabled !== undefined && { syncEnabled: enabled }),
    ...(gitopsDirectory !== undefined && { gitopsDirectory: directory(gitopsDirectory) }),
  };
}

/** Creates a fabric: a repository plus a normalised directory in it. */
export async function createFabric(props: { input: FabricInput; user: Actor }): Promise<Fabric> {
  const data = toData(props.input);
  // The change record is written in the save's transaction: there is never one without the other.
  return save(
    db().$transaction(async (tx) => {
      const fabric = await tx.fabric.create({
        data: {
          ...data,
          name: props.input.name,
          repositoryId: props.input.repositoryId,
          gitopsDirectory: data.gitopsDirectory ?? '',
          branch: data.branch ?? null,
          settings: mergeSettings({}, props.input.settings) as Prisma.InputJsonValue,
          syncPolicy: props.input.syncPolicy ?? (props.input.syncIntervalSeconds ? 'automatic' : 'manual'),
        },
      });
      await fabricLog.created(tx, props.user, fabric);
      return fabric;
    }),
    data,
  );
}

/** Updates a fabric. */
export async function updateFabric(props: { id: number; patch: FabricPatch; user: Actor }): Promise<Fabric> {
  const before = await db().fabric.findUnique({ where: { id: props.id } });
  if (!before) throw new NotFound('fabric');
  const data = toData(props.patch);
  // What git holds for this fabric changed: the last synced commit no longer describes the
  // records, so the next sync does the full work and the fabric shows out of sync until then.
  const source = {
    repositoryId: before.repositoryId,
    gitopsDirectory: before.gitopsDirectory,
    branch: before.branch,
    prune: before.prune,
  };
  const moved = (Object.keys(source) as (keyof typeof source)[]).some(
    (k) => data[k] !== undefined && data[k] !== source[k],
  );
  const reset = moved && before.lastSyncedCommit ? { lastSyncedCommit: null, remoteHead: null } : {};
  // The settings decide verdicts: once they change, the records were judged by the previous ones
  // until the next sync (which then cannot skip an unchanged commit). Not so when the last sync
  // took the configuration from a Fabricator document, which wins over the settings.
  const settings =
    props.patch.settings !== undefined ? mergeSettings(before.settings, props.patch.settings) : undefined;
  const settingsChanged = settings !== undefined && !sameSettings(before.settings, settings);
  const usedSettings = (before.configSource as { source?: string } | null)?.source !== 'fabricator';
  const settingsData = settingsChanged
    ? {
        settings: settings as Prisma.InputJsonValue,
        ...(before.lastSyncedAt && usedSettings && { settingsPendingSync: true }),
      }
    : {};
  const fabric = await save(
    db().$transaction(async (tx) => {
      await tx.fabric.update({ where: { id: props.id }, data: { ...data, ...reset, ...settingsData } });
      await refreshSyncStatus(tx, props.id);
      const fabric = await tx.fabric.findUniqueOrThrow({ where: { id: props.id } });
      await fabricLog.updated(tx, props.user, before, fabric);
      return fabric;
    }),
    { id: props.id, name: data.name ?? before.name, gitopsDirectory: data.gitopsDirectory ?? before.gitopsDirectory },
  );
  return fabric;
}

/** Deletes a fabric with its records and runs; refused while a sync is running. */
export async function deleteFabric(props: { id: number; user: Actor }): Promise<void> {
  const fabric = await db().fabric.findUnique({ where: { id: props.id } });
  if (!fabric) throw new NotFound('fabric');
  const active = await db().syncRun.count({ where: { fabricId: fabric.id, status: 'running' } });
  if (active) throw new Conflict(`fabric "${fabric.name}" is syncing; wait for the run to finish`);
  await db().$transaction(async (tx) => {
    await tx.fabric.delete({ where: { id: fabric.id } });
    await fabricLog.deleted(tx, props.user, fabric, { records: fabric.cachedCrdCount });
  });
}
