import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { commitFiles, createBareRepo, privateCa, startGitServer, type GitServer } from '../helpers/gitServer';
import { useSyncHarness } from '../helpers/sync';

// A TLS git server whose certificate a private CA (openssl, made here) issued.

await useTestEnvironment();
const app = createApp();
const h = await useSyncHarness(app);
let ca: Awaited<ReturnType<typeof privateCa>>;
let tls: GitServer;

beforeAll(async () => {
  ca = await privateCa();
  tls = await startGitServer({ username: 'gituser', password: h.password, tls: { cert: ca.cert, key: ca.key } });
});
afterAll(() => tls?.close());

const GROUP = 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: over-tls\nspec: {}\n';

async function tlsRepository(caCertificate?: string) {
  const name = `tls-${Math.random().toString(16).slice(2, 8)}`;
  const bare = await createBareRepo(tls.root, name);
  await commitFiles(bare, { 'f/g.yaml': GROUP }, 'first');
  const res = await h.api.post('/repositories', {
    name,
    url: tls.url(name),
    authType: 'basic',
    username: 'gituser',
    secret: h.password,
    ...(caCertificate && { caCertificate }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: number; caCertificate: string | null };
}

describe('HTTPS with a private CA', () => {
  it('says the certificate is not trusted without the CA', async () => {
    const repo = await tlsRepository();
    const res = (await h.api.post(`/repositories/${repo.id}/test`)).body;
    expect(res.connectionStatus).toBe('failed');
    expect(res.validationError).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted/);
  });

  it('clones and syncs with the CA certificate, which is shown (it is public)', async () => {
    const repo = await tlsRepository(ca.caCert);
    expect(repo.caCertificate).toContain('BEGIN CERTIFICATE');
    expect((await h.api.post(`/repositories/${repo.id}/test`)).body.connectionStatus).toBe('connected');
    const fabric = await h.fabric(repo.id, 'f/');
    expect((await h.sync(fabric.id)).status).toBe('succeeded');
    expect(await db().crdRecord.count({ where: { fabricId: fabric.id, name: 'over-tls' } })).toBe(1);
  });
});
