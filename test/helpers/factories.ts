import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createToken } from '../../src/auth/tokens';
import { countRecords } from '../../src/sync/apply';
import {
  db,
  type CrdRecord,
  type Fabric,
  type GitRepository,
  type Prisma,
  type Role,
  type SyncRun,
  type User,
} from '../../src/db';

export const PASSWORD = 'correct horse battery staple';
let hashed: Promise<string> | undefined;

/**
 * PASSWORD as an argon2id hash at the smallest cost, for the users this file makes. The app
 * verifies whatever parameters a hash names, so these users log in through the same code; users
 * the app itself creates (first admin, admin forms, password changes) keep its full cost. At the
 * full cost (64 MiB, 3 passes, 4 lanes) a verification took 2.8 s on the shared 2-core machine at
 * load 15, at this one 23 ms; the suite logs in with these users more than a hundred times.
 */
function hashFixturePassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
}

/** A unique name for this test run: files run in parallel without cleaning up. */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A user with PASSWORD. */
export async function buildUser(props: { role?: Role; username?: string; disabled?: boolean } = {}): Promise<User> {
  hashed ??= hashFixturePassword(PASSWORD);
  return db().user.create({
    data: {
      username: props.username ?? unique(props.role ?? 'viewer'),
      role: props.role ?? 'viewer',
      disabled: props.disabled ?? false,
      passwordHash: await hashed,
    },
  });
}

/** A bearer token for a new user of the role. */
export async function tokenFor(role: Role, writeEnabled = true): Promise<{ user: User; token: string }> {
  const user = await buildUser({ role });
  const { token } = await createToken({ userId: user.id, name: 'test', writeEnabled });
  return { user, token };
}

export interface SignedIn {
  agent: TestAgent;
  user: User;
  csrf: string;
}

/** Pulls the CSRF token out of a rendered page. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1]!;
}

/** A supertest agent with a logged-in session of a new user of the role, and its CSRF token. */
export async function signInAs(app: Express, role: Role): Promise<SignedIn> {
  const user = await buildUser({ role });
  const agent = request.agent(app);
  const login = await agent.get('/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ username: user.username, password: PASSWORD, _csrf: csrfFrom(login.text) });
  if (res.status !== 302) throw new Error(`login failed: ${res.status} ${res.text.slice(0, 200)}`);
  const home = await agent.get('/');
  return { agent, user, csrf: csrfFrom(home.text) };
}

/** A repository row (no remote behind it unless `url` points at one). */
export async function buildRepository(
  props: Partial<Prisma.GitRepositoryUncheckedCreateInput> = {},
): Promise<GitRepository> {
  return db().gitRepository.create({
    data: { name: unique('repo'), url: 'https://git.example.com/fabric.git', ...props },
  });
}

/** A fabric, with a new repository unless one is given. */
export async function buildFabric(props: Partial<Prisma.FabricUncheckedCreateInput> = {}): Promise<Fabric> {
  const repositoryId = props.repositoryId ?? (await buildRepository()).id;
  return db().fabric.create({
    data: { name: unique('fabric'), gitopsDirectory: `${unique('dir')}/`, ...props, repositoryId },
  });
}

/** A CRD record of a kind (SwitchGroup by default), with a new fabric unless one is given; written as a sync writes it (with its fabric's counts). */
export async function buildRecord(props: Partial<Prisma.CrdRecordUncheckedCreateInput> = {}): Promise<CrdRecord> {
  const fabricId = props.fabricId ?? (await buildFabric()).id;
  return db().$transaction(async (tx) => {
    const record = await tx.crdRecord.create({
      data: {
        kind: 'SwitchGroup',
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        name: unique('sg'),
        sourcePath: 'records.yaml',
        sourceLine: 1,
        sourceCommit: '0'.repeat(40),
        contentHash: unique('hash'),
        ...props,
        fabricId,
      },
    });
    await countRecords(tx, fabricId);
    return record;
  });
}

/** A finished sync run, with a new fabric unless one is given. */
export async function buildSyncRun(props: Partial<Prisma.SyncRunUncheckedCreateInput> = {}): Promise<SyncRun> {
  const fabricId = props.fabricId ?? (await buildFabric()).id;
  return db().syncRun.create({
    data: { status: 'succeeded', stage: 'done', finishedAt: new Date(), ...props, fabricId },
  });
}
