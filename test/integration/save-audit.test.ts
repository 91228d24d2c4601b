import { describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createFabric, deleteFabric, updateFabric } from '../../src/fabrics/saveFabric';
import { createRepository, updateRepository } from '../../src/repositories/saveRepository';
import { useTestEnvironment } from '../helpers/env';
import { buildFabric, buildRepository, buildUser, unique } from '../helpers/factories';

await useTestEnvironment();

// A user that does not exist: the change record's foreign key refuses it, so writing the change
// record fails, and the save must fail with it (one transaction: never a save without its record).
const ghost = { id: 2_147_483_000, username: 'ghost' };

describe('saving a fabric or a repository writes its change record in the same transaction', () => {
  it('creates, updates and deletes a fabric together with its change records', async () => {
    const user = await buildUser({ role: 'admin' });
    const repo = await buildRepository();
    const name = unique('fab');
    const fabric = await createFabric({ input: { name, repositoryId: repo.id } as never, user });
    await updateFabric({ id: fabric.id, patch: { description: 'changed' } as never, user });
    await deleteFabric({ id: fabric.id, user });
    const changes = await db().changeRecord.findMany({ where: { objectType: 'Fabric', objectId: fabric.id } });
    expect(changes.map((c) => c.action).sort()).toEqual(['create', 'delete', 'update']);
  });

  it('leaves no fabric behind when its change record cannot be written, and no change either', async () => {
    const repo = await buildRepository();
    const name = unique('fab');
    await expect(createFabric({ input: { name, repositoryId: repo.id } as never, user: ghost })).rejects.toThrow();
    expect(await db().fabric.count({ where: { name } })).toBe(0);
    const fabric = await buildFabric({ description: 'before' });
    await expect(
      updateFabric({ id: fabric.id, patch: { description: 'after' } as never, user: ghost }),
    ).rejects.toThrow();
    expect((await db().fabric.findUniqueOrThrow({ where: { id: fabric.id } })).description).toBe('before');
    await expect(deleteFabric({ id: fabric.id, user: ghost })).rejects.toThrow();
    expect(await db().fabric.count({ where: { id: fabric.id } })).toBe(1);
  });

  it('leaves no repository behind when its change record cannot be written', async () => {
    const name = unique('repo');
    await expect(
      createRepository({
        input: { name, url: 'https://git.example.com/x.git', authType: 'none' } as never,
        user: ghost,
      }),
    ).rejects.toThrow();
    expect(await db().gitRepository.count({ where: { name } })).toBe(0);
    const repo = await buildRepository();
    await expect(
      updateRepository({ id: repo.id, patch: { name: unique('renamed') } as never, user: ghost }),
    ).rejects.toThrow();
    expect((await db().gitRepository.findUniqueOrThrow({ where: { id: repo.id } })).name).toBe(repo.name);
  });
});
