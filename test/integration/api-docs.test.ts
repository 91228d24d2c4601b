import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AUTH_TYPES } from '../../src/repositories/schema';
import { createApp } from '../../src/web/app';
import { useTestEnvironment } from '../helpers/env';
import { tokenFor } from '../helpers/factories';

await useTestEnvironment();
const app = createApp();

describe('GET /api/v1/openapi.json', () => {
  it('is open to anyone and describes every path of the contract', async () => {
    const res = await request(app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.0.3');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/repositories',
        '/repositories/{id}',
        '/repositories/{id}/test',
        '/fabrics',
        '/fabrics/{id}',
        '/fabrics/{id}/sync',
        '/sync-runs/{id}',
        '/crds',
        '/crds/{id}',
        '/tokens/provision',
        '/me',
      ]),
    );
  });

  it('takes its request bodies from the zod schemas that validate them', async () => {
    const { body } = await request(app).get('/api/v1/openapi.json');
    const repo = body.paths['/repositories'].post.requestBody.content['application/json'].schema;
    expect(repo.properties.authType.enum).toEqual([...AUTH_TYPES]);
    expect(repo.required).toEqual(expect.arrayContaining(['name', 'url']));
    const fabric = body.paths['/fabrics'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(fabric.properties)).toEqual(
      expect.arrayContaining(['name', 'repositoryId', 'gitopsDirectory', 'branch', 'prune', 'enabled']),
    );
    const crdParams = body.paths['/crds'].get.parameters.map((p: { name: string }) => p.name);
    expect(crdParams).toEqual(expect.arrayContaining(['kind', 'fabric', 'namespace', 'q', 'page', 'perPage', 'sort']));
  });

  it("says each route's own error answers with what they mean, beside the ones every route shares", async () => {
    const { body } = await request(app).get('/api/v1/openapi.json');
    const described = (path: string, method: string) =>
      Object.fromEntries(
        Object.entries(body.paths[path][method].responses as Record<string, { description: string }>).map(
          ([status, r]) => [status, r.description],
        ),
      );
    expect(described('/fabrics', 'post')).toMatchObject({
      '201': 'the fabric',
      '400': expect.stringMatching(/invalid input/),
      '401': 'not authenticated',
      '403': 'not allowed for this role or token',
      '409': expect.stringMatching(/name.*directory/),
    });
    expect(described('/fabrics/{id}', 'delete')).toMatchObject({
      '204': expect.any(String),
      '404': 'not found',
      '409': expect.stringMatching(/syncing/),
    });
    expect(described('/fabrics/{id}/sync', 'post')).toMatchObject({
      '202': expect.any(String),
      '400': expect.stringMatching(/commit is not in the history/),
      '409': expect.stringMatching(/sync window/),
    });
    expect(described('/repositories', 'post')).toMatchObject({ '409': expect.stringMatching(/name/) });
    expect(described('/repositories/{id}', 'delete')).toMatchObject({ '409': expect.stringMatching(/fabrics use/) });
    expect(described('/repositories/{id}', 'patch')).toMatchObject({
      '400': expect.stringMatching(/secret typed again/),
    });
    // Anyone may call these: no 403, and a 401 only where it means a wrong password or signature.
    expect(described('/tokens/provision', 'post')).toEqual({
      '201': expect.stringMatching(/shown once/),
      '400': expect.stringMatching(/invalid input/),
      '401': expect.stringMatching(/wrong username or password/),
      '429': expect.stringMatching(/Retry-After/),
    });
    expect(described('/webhooks/repositories/{id}', 'post')).toEqual({
      '200': expect.stringMatching(/ping/),
      '202': expect.stringMatching(/runs/),
      '400': expect.stringMatching(/not JSON/),
      '401': expect.stringMatching(/signature/),
      '404': 'not found',
      '413': expect.stringMatching(/body over 1mb/),
      '429': expect.stringMatching(/too many deliveries/),
    });
    // The webhook reads its body itself (the signature is over its bytes): it is described all the same.
    expect(body.paths['/webhooks/repositories/{id}'].post.requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { type: 'object' } } },
    });
    // A list without a path parameter names nothing that could be missing.
    expect(described('/fabrics', 'get')['404']).toBeUndefined();
    // Errors carry the Error schema; other answers do not.
    const conflict = body.paths['/fabrics'].post.responses['409'];
    expect(conflict.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(body.paths['/webhooks/repositories/{id}'].post.responses['200'].content).toBeUndefined();
  });
});

describe('GET /metrics', () => {
  it('answers Prometheus text to a token holder and sends anyone else to log in', async () => {
    expect((await request(app).get('/metrics')).status).toBe(302);
    const { token } = await tokenFor('viewer', false);
    const res = await request(app).get('/metrics').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toContain('# TYPE hhfm_records gauge');
  });
});
