import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens';
import { db } from '../../src/db';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { buildUser, tokenFor } from '../helpers/factories';
import { startGitServer, type GitServer } from '../helpers/gitServer';
import { freePort } from '../helpers/net';
import { fillPath, routeTable } from '../helpers/routes';

// Finding 2 of issue 11: a 404 quoted the request path after `redact`, so `GET /api/v1/<guess>`
// answered `***` exactly when the guess was a registered secret or API token: an equality
// oracle without logging in. No answer may differ between a guess that equals a secret and
// one that does not, except by the guess itself: 404s of pages and API, every other error that
// quotes input (validation, git errors quoting the URL), and the change log.

await useTestEnvironment();
const app = createApp();

const REPOSITORY_SECRET = `oracle-${randomBytes(16).toString('hex')}`;
const { token: API_TOKEN } = await tokenFor('viewer');
const { token: ADMIN } = await tokenFor('admin');

/** A wrong guess of the same length and alphabet as `secret`. */
function wrongGuessFor(secret: string): string {
  const prefix = secret.slice(0, secret.length / 2);
  let rest = '';
  while (rest.length < secret.length - prefix.length) rest += randomBytes(8).toString('hex');
  return prefix + rest.slice(0, secret.length - prefix.length);
}

/** The response with what legitimately differs between two requests made equal: the guess, the request id, dates. */
function normalised(res: request.Response, guess: string): string {
  const requestId = String(res.headers['x-request-id'] ?? '');
  const headers = Object.entries(res.headers)
    .filter(([name]) => !['date', 'x-request-id', 'etag'].includes(name))
    .map(([name, value]) => `${name}: ${name === 'set-cookie' ? '(cookies)' : String(value)}`)
    .sort();
  let body = (res.text ?? '').replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value="<per browser>"');
  if (requestId) body = body.split(requestId).join('<request id>');
  // Relative times ("5 s ago") move between the two requests; they never carry input.
  body = body.replace(/\b\d+ (s|min|h|days) ago\b/g, '<ago>');
  // Host names are case-insensitive, and URL parsers lower-case them.
  const anyCase = new RegExp(guess.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  return [String(res.status), ...headers, '', body].join('\n').replace(anyCase, '<guess>');
}

const SECRETS = { 'a repository secret': REPOSITORY_SECRET, 'an API token': API_TOKEN };
let server: GitServer | undefined;
afterAll(async () => server?.close());

// The repository secret is registered for redaction as the app registers it: by saving it.
const saved = await request(app)
  .post('/api/v1/repositories')
  .set('Authorization', `Bearer ${ADMIN}`)
  .send({ name: 'oracle-holder', url: 'https://git.example.com/x.git', authType: 'token', secret: REPOSITORY_SECRET });
expect(saved.status).toBe(201);

describe.each(Object.entries(SECRETS))('a guess equal to %s', (_what, secret) => {
  const wrong = wrongGuessFor(secret);

  async function same(
    send: (guess: string) => Promise<request.Response>,
    label: string,
  ): Promise<request.Response | undefined> {
    const right = await send(secret);
    const other = await send(wrong);
    expect(normalised(right, secret), label).toBe(normalised(other, wrong));
    return right;
  }

  it('gets the same 404 as any other guess, anonymous or signed in, page or API', async () => {
    for (const path of ['/api/v1/G', '/api/v1/G/x', '/G', '/G/x', '/api/v1/crds/G', '/crds/G', '/api/v1/G?x=G']) {
      await same((g) => request(app).get(path.replaceAll('G', g)), `anonymous ${path}`);
      await same((g) => request(app).get(path.replaceAll('G', g)).set('Accept', 'text/html'), `anonymous ${path}`);
      await same(
        (g) => request(app).get(path.replaceAll('G', g)).set('Authorization', `Bearer ${ADMIN}`),
        `admin ${path}`,
      );
      await same((g) => request(app).post(path.replaceAll('G', g)).send({ x: g }), `anonymous POST ${path}`);
    }
  });

  it('gets the same error from every route whose parameters, query or body carry the guess', async () => {
    let errors = 0;
    // The caller's own tokens show when they were last used, which moves between two calls.
    const OWN_TOKENS = new Set(['GET /admin/tokens', 'GET /api/v1/tokens', 'GET /api/v1/me']);
    for (const route of routeTable().filter((r) => !OWN_TOKENS.has(`${r.method} ${r.path}`))) {
      const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
      for (const caller of ['anonymous', 'admin'] as const) {
        const res = await same((g) => {
          const path = fillPath(route.path, () => g);
          const query = `q=${g}&page=${g}&sort=${g}&fabric=${g}&kind=${g}&status=${g}&next=${g}`;
          let req = request(app)[method](`${path}?${query}`);
          if (caller === 'admin') req = req.set('Authorization', `Bearer ${ADMIN}`);
          if (method === 'get') return req;
          // Every field the guess, so that validation fails and quotes it (nothing is created).
          return req.send({
            name: g,
            url: `https://${g}.example/${g}.git`,
            authType: g,
            username: g,
            password: g,
            gitopsDirectory: `../${g}`,
            repositoryId: g,
            defaultBranch: `${g}..`,
            branch: `${g}..`,
            role: g,
            list: g,
            columns: g,
            timeoutSeconds: g,
            writeEnabled: g,
            expiresAt: g,
            syncIntervalSeconds: g,
          });
        }, `${caller} ${route.method} ${route.path}`);
        if (res && res.status >= 400) errors++;
      }
    }
    expect(errors).toBeGreaterThan(40);
  });

  it('gets the same git error when the repository URL carries the guess', async () => {
    server ??= await startGitServer({ username: 'u', password: 'p' });
    const closed = await freePort();
    const urls = [
      (g: string) => `http://127.0.0.1:${closed}/${g}.git`,
      (g: string) => `${server!.baseUrl}/${g}.git`,
      (g: string) => `http://${g}.invalid/x.git`,
    ];
    for (const url of urls) {
      await same(async (g) => {
        const created = await request(app)
          .post('/api/v1/repositories')
          .set('Authorization', `Bearer ${ADMIN}`)
          .send({
            name: `r-${randomBytes(4).toString('hex')}`,
            url: url(g),
            authType: 'basic',
            username: 'u',
            secret: 'p',
          });
        expect(created.status, created.text).toBe(201);
        const tested = await request(app)
          .post(`/api/v1/repositories/${created.body.id}/test`)
          .set('Authorization', `Bearer ${ADMIN}`);
        expect(tested.body.connectionStatus).toBe('failed');
        // The answer carries the repository's own fields; the message is what matters.
        return Object.assign(tested, { text: String(tested.body.validationError), headers: {} });
      }, url('G'));
    }
  });

  it('is written to the change log as entered', async () => {
    const user = await buildUser({ role: 'admin' });
    const { token } = await createToken({ userId: user.id, name: 'changes', writeEnabled: true });
    for (const guess of [secret, wrong]) {
      const res = await request(app)
        .post('/api/v1/repositories')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: `n-${guess}`, url: `https://git.example.com/${guess}.git` });
      expect(res.status).toBe(201);
      const change = await db().changeRecord.findFirstOrThrow({
        where: { objectType: 'GitRepository', objectId: res.body.id },
      });
      expect(change.after).toMatchObject({ name: `n-${guess}`, url: `https://git.example.com/${guess}.git` });
    }
  });
});
