import { createHmac } from 'node:crypto';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db';
import { DELIVERIES_PER_MINUTE } from '../../src/webhooks/receiveWebhook';
import { createApp } from '../../src/web/app';
import { logLines, useTestEnvironment } from '../helpers/env';
import { buildFabric, buildRepository, signInAs, tokenFor } from '../helpers/factories';

await useTestEnvironment();
const app = createApp();
let adminToken: string;
let operatorToken: string;

beforeAll(async () => {
  adminToken = (await tokenFor('admin')).token;
  operatorToken = (await tokenFor('operator')).token;
});

const HEAD = 'a'.repeat(40);
const NEXT = 'b'.repeat(40);

async function repositoryWithSecret() {
  const repo = await buildRepository({ defaultBranch: 'main' });
  const res = await request(app)
    .post(`/api/v1/repositories/${repo.id}/webhook-secret`)
    .set('Authorization', `Bearer ${adminToken}`);
  expect(res.status).toBe(200);
  return { repo, secret: res.body.secret as string, url: res.body.url as string };
}

function push(ref: string, after = NEXT) {
  return JSON.stringify({ ref, before: HEAD, after, repository: { default_branch: 'main' } });
}

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function github(repoId: number, secret: string, body: string, event = 'push') {
  return request(app)
    .post(`/api/v1/webhooks/repositories/${repoId}`)
    .set('Content-Type', 'application/json')
    .set('X-GitHub-Event', event)
    .set('X-Hub-Signature-256', sign(secret, body))
    .send(body);
}

const runsOf = (fabricId: number) => db().syncRun.findMany({ where: { fabricId } });

describe('POST /api/v1/repositories/:id/webhook-secret', () => {
  it('creates a secret shown once, stored encrypted, and rotates it', async () => {
    const { repo, secret, url } = await repositoryWithSecret();
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/api/v1/webhooks/repositories/${repo.id}$`));
    const stored = await db().gitRepository.findUniqueOrThrow({ where: { id: repo.id } });
    expect(stored.encryptedWebhookSecret).toBeTruthy();
    expect(stored.encryptedWebhookSecret).not.toContain(secret);
    const shown = await request(app)
      .get(`/api/v1/repositories/${repo.id}`)
      .set('Authorization', `Bearer ${adminToken}`);
    expect(shown.body.webhook).toMatchObject({ hasSecret: true, path: `/api/v1/webhooks/repositories/${repo.id}` });
    expect(JSON.stringify(shown.body)).not.toContain(secret);

    const rotated = await request(app)
      .post(`/api/v1/repositories/${repo.id}/webhook-secret`)
      .set('Authorization', `Bearer ${adminToken}`);
    expect(rotated.body.secret).not.toBe(secret);
    // The old secret stops working at once.
    expect((await github(repo.id, secret, push('refs/heads/main'))).status).toBe(401);
    expect((await github(repo.id, rotated.body.secret, push('refs/heads/main'))).status).toBe(202);
    const changes = await db().changeRecord.findMany({ where: { objectType: 'GitRepository', objectId: repo.id } });
    expect(JSON.stringify(changes)).not.toContain(secret);
    expect(logLines.join('\n')).not.toContain(secret);
  });

  it('is for admins only', async () => {
    const repo = await buildRepository();
    const res = await request(app)
      .post(`/api/v1/repositories/${repo.id}/webhook-secret`)
      .set('Authorization', `Bearer ${operatorToken}`);
    expect(res.status).toBe(403);
  });
});

describe('POST /api/v1/webhooks/repositories/:id', () => {
  it('queues a webhook sync for each automatic fabric following the pushed branch and marks manual ones out of sync', async () => {
    const { repo, secret } = await repositoryWithSecret();
    const automatic = await buildFabric({ repositoryId: repo.id, syncPolicy: 'automatic' });
    const manual = await buildFabric({
      repositoryId: repo.id,
      syncPolicy: 'manual',
      syncStatus: 'in_sync',
      lastSyncedCommit: HEAD,
    });
    const disabled = await buildFabric({ repositoryId: repo.id, syncPolicy: 'automatic', syncEnabled: false });
    const otherBranch = await buildFabric({ repositoryId: repo.id, syncPolicy: 'automatic', branch: 'release' });
    const pinned = await buildFabric({ repositoryId: repo.id, syncPolicy: 'automatic', branch: HEAD });

    const res = await github(repo.id, secret, push('refs/heads/main'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ ref: 'refs/heads/main', commit: NEXT, outOfSync: [{ fabricId: manual.id }] });
    expect(res.body.runs).toHaveLength(1);
    const [run] = await runsOf(automatic.id);
    expect(run).toMatchObject({ id: res.body.runs[0].syncRunId, trigger: 'webhook', status: 'queued' });
    expect(await db().fabric.findUniqueOrThrow({ where: { id: manual.id } })).toMatchObject({
      syncStatus: 'out_of_sync',
      remoteHead: NEXT,
    });
    for (const f of [manual, disabled, otherBranch, pinned]) expect(await runsOf(f.id)).toHaveLength(0);
    // No session is created for a delivery.
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('follows a tag for a fabric pinned to it, not the branch', async () => {
    const { repo, secret } = await repositoryWithSecret();
    const tagged = await buildFabric({ repositoryId: repo.id, syncPolicy: 'automatic', branch: 'refs/tags/v1.0' });
    const byName = await buildFabric({
      repositoryId: repo.id,
      syncPolicy: 'automatic',
      branch: 'v2.0',
      revisionKind: 'tag',
    });
    expect((await github(repo.id, secret, push('refs/heads/main'))).body.runs).toEqual([]);
    expect(await runsOf(tagged.id)).toHaveLength(0);
    const res = await github(repo.id, secret, push('refs/tags/v1.0'));
    expect(res.body.runs.map((r: { fabricId: number }) => r.fabricId)).toEqual([tagged.id]);
    expect(await runsOf(byName.id)).toHaveLength(0);
    expect((await github(repo.id, secret, push('refs/heads/v2.0'))).body.runs).toEqual([]);
    expect((await github(repo.id, secret, push('refs/tags/v2.0'))).body.runs[0].fabricId).toBe(byName.id);
  });

  it('refuses a wrong or missing signature with 401 and queues nothing', async () => {
    const { repo } = await repositoryWithSecret();
    const fabric = await buildFabric({ repositoryId: repo.id, syncPolicy: 'automatic' });
    const body = push('refs/heads/main');
    const wrong = await github(repo.id, 'not-the-secret', body);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/X-Hub-Signature-256 does not match/);
    const missing = await request(app)
      .post(`/api/v1/webhooks/repositories/${repo.id}`)
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .send(body);
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/no signature/);
    // A valid signature over a different body is wrong too.
    const tampered = await request(app)
      .post(`/api/v1/webhooks/repositories/${repo.id}`)
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'push')
      .set('X-Hub-Signature-256', sign('x', body))
      .send(push('refs/heads/main', HEAD));
    expect(tampered.status).toBe(401);
    expect(await runsOf(fabric.id)).toHaveLength(0);
  });

  it('refuses every delivery while the repository has no secret', async () => {
    const repo = await buildRepository();
    const res = await github(repo.id, '', push('refs/heads/main'));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/no webhook secret/);
  });

  it('accepts Gitea and Forgejo (X-Gitea-Signature), GitLab (X-Gitlab-Token) and generic HMAC senders', async () => {
    const { repo, secret } = await repositoryWithSecret();
    await buildFabric({ repositoryId: repo.id, syncPolicy: 'automatic' });
    const body = push('refs/heads/main');
    const url = `/api/v1/webhooks/repositories/${repo.id}`;
    const gitea = await request(app)
      .post(url)
      .set('Content-Type', 'application/json')
      .set('X-Gitea-Event', 'push')
      .set('X-Gitea-Signature', createHmac('sha256', secret).update(body).digest('hex'))
      .send(body);
    expect(gitea.status).toBe(202);
    const gitlabBody = JSON.stringify({ ref: 'refs/heads/main', after: NEXT, project: { default_branch: 'main' } });
    const gitlab = await request(app)
      .post(url)
      .set('Content-Type', 'application/json')
      .set('X-Gitlab-Event', 'Push Hook')
      .set('X-Gitlab-Token', secret)
      .send(gitlabBody);
    expect(gitlab.status).toBe(202);
    const gitlabWrong = await request(app)
      .post(url)
      .set('Content-Type', 'application/json')
      .set('X-Gitlab-Event', 'Push Hook')
      .set('X-Gitlab-Token', `${secret}x`)
      .send(gitlabBody);
    expect(gitlabWrong.status).toBe(401);
    const generic = await request(app)
      .post(url)
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature-256', sign(secret, body))
      .send(body);
    expect(generic.status).toBe(202);
    const deliveries = await db().webhookDelivery.findMany({
      where: { repositoryId: repo.id },
      orderBy: { id: 'asc' },
    });
    expect(deliveries.map((d) => `${d.provider} ${d.httpStatus}`)).toEqual([
      'gitea 202',
      'gitlab 202',
      'gitlab 401',
      'generic 202',
    ]);
  });

  it('answers a ping with 200, a body over 1 MB with 413', async () => {
    const { repo, secret } = await repositoryWithSecret();
    const ping = await github(repo.id, secret, JSON.stringify({ zen: 'Keep it logically awesome.' }), 'ping');
    expect(ping.status).toBe(200);
    const big = JSON.stringify({ ref: 'refs/heads/main', after: NEXT, padding: 'x'.repeat(1_100_000) });
    const tooLarge = await github(repo.id, secret, big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('too_large');
  });

  it('gives one queued run for a burst of deliveries', async () => {
    const { repo, secret } = await repositoryWithSecret();
    const fabric = await buildFabric({ repositoryId: repo.id, syncPolicy: 'automatic' });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => github(repo.id, secret, push('refs/heads/main', `${i + 1}`.repeat(40)))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(202));
    expect(await runsOf(fabric.id)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.runs[0].syncRunId)).size).toBe(1);
  });

  it('is rate-limited per repository', async () => {
    const { repo } = await repositoryWithSecret();
    const other = await repositoryWithSecret();
    let status = 0;
    for (let i = 0; i <= DELIVERIES_PER_MINUTE && status !== 429; i++)
      status = (await github(repo.id, 'wrong', '{}')).status;
    expect(status).toBe(429);
    expect((await github(other.repo.id, other.secret, '{}', 'ping')).status).toBe(200);
  });

  it('lists the deliveries on the repository page and shows a new secret only once', async () => {
    const { repo, secret } = await repositoryWithSecret();
    await github(repo.id, secret, push('refs/heads/main'));
    await github(repo.id, 'wrong', push('refs/heads/main'));
    const admin = await signInAs(app, 'admin');
    const page = await admin.agent.get(`/repositories/${repo.id}`);
    expect(page.text).toContain('no fabric follows refs/heads/main');
    expect(page.text).toContain('refused: X-Hub-Signature-256 does not match');
    expect(page.text).toContain(`/api/v1/webhooks/repositories/${repo.id}`);
    expect(page.text).toContain('Rotate secret');
    expect(page.text).not.toContain(secret);
    const rotated = await admin.agent
      .post(`/repositories/${repo.id}/webhook-secret`)
      .type('form')
      .send({ _csrf: admin.csrf });
    expect(rotated.status).toBe(200);
    const shown = /data-testid="webhook-secret">[\s\S]*?<code[^>]*>([^<]+)<\/code>/.exec(rotated.text)?.[1];
    expect(shown).toBeTruthy();
    expect((await github(repo.id, shown!, JSON.stringify({}), 'ping')).status).toBe(200);
    expect((await admin.agent.get(`/repositories/${repo.id}`)).text).not.toContain(shown!);
    const viewer = await signInAs(app, 'viewer');
    expect((await viewer.agent.get(`/repositories/${repo.id}`)).text).not.toContain('Rotate secret');
  });
});
