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
