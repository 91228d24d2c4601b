import { z } from 'zod';
import { FabricInput, FabricPatch, SyncInput } from '../fabrics/schema';
import { RepositoryInput, RepositoryPatch } from '../repositories/schema';
import { RecordListQuery } from './routes/crds';
import { ProvisionInput } from './routes/tokens';

// Generated from the zod schemas that validate the requests, so the document cannot drift from them.

const json = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });
const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: json(schema) } } });
const ok = (description: string, status = '200') => ({ [status]: { description }, ...errors });
const errors = {
  '400': {
    description: 'invalid input',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '401': {
    description: 'not authenticated',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '403': {
    description: 'not allowed for this role or token',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '404': {
    description: 'not found',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
};
const id = [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }];
const paging = [
  { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
  { name: 'perPage', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
];

function queryParameters(schema: z.ZodObject) {
  const shape = json(schema) as { properties?: Record<string, object> };
  return Object.entries(shape.properties ?? {}).map(([name, s]) => ({ name, in: 'query', schema: s }));
}

/** The OpenAPI 3 document of /api/v1. */
export function openApiDocument() {
  return {
    openapi: '3.0.3',
    info: { title: 'Hedgehog Fabric Manager API', version: '1' },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token from /admin/tokens or POST /tokens/provision',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'hhfm.sid',
          description: 'The browser session; state-changing calls need the X-CSRF-Token header',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
              required: ['code', 'message'],
            },
          },
        },
      },
    },
    paths: {
      '/me': { get: { summary: 'The caller: username and role', responses: ok('the caller') } },
      '/tokens/provision': {
        post: {
          summary: 'Trade a username and password for a token',
          security: [],
          requestBody: body(ProvisionInput),
          responses: ok('the new token (shown once)', '201'),
        },
      },
      '/repositories': {
        get: {
          summary: 'Repositories (secrets never returned)',
          parameters: paging,
          responses: ok('{items, total, page, perPage}'),
        },
        post: {
          summary: 'Create a repository (admin)',
          requestBody: body(RepositoryInput),
          responses: { ...ok('the repository', '201'), '409': { description: 'name taken' } },
        },
      },
      '/repositories/{id}': {
        get: { parameters: id, responses: ok('the repository') },
        patch: { parameters: id, requestBody: body(RepositoryPatch), responses: ok('the repository') },
        delete: {
          parameters: id,
          responses: { '204': { description: 'deleted' }, '409': { description: 'used by fabrics' }, ...errors },
        },
      },
      '/repositories/{id}/test': {
        post: {
          summary: 'git ls-remote with the stored credentials',
          parameters: id,
          responses: ok('{connectionStatus, lastValidatedAt, validationError, head}'),
        },
      },
      '/repositories/{id}/checks': {
        get: {
          summary: 'The last 50 health checks, newest first',
          parameters: id,
          responses: ok('{items: [{id, time, ok, durationMs, errorClass, error, trigger}], total}'),
        },
      },
      '/repositories/{id}/webhook-secret': {
        post: {
          summary: 'Create or rotate the push webhook secret (admin); the previous one stops working',
          parameters: id,
          responses: ok('{secret, url}: the secret is shown in this response only'),
        },
      },
      '/webhooks/repositories/{id}': {
        post: {
          summary:
            'Push webhook (GitHub X-Hub-Signature-256, Gitea/Forgejo X-Gitea-Signature, GitLab X-Gitlab-Token, generic HMAC-SHA256 X-Hub-Signature-256); signed, no login',
          security: [],
          parameters: id,
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            '200': { description: 'ping, or an event that is not a push' },
            '202': { description: '{event, ref, commit, runs: [{syncRunId, fabricId, status}], outOfSync}' },
            '401': { description: 'missing or wrong signature; nothing queued' },
            '413': { description: 'body over 1 MB' },
            '429': { description: 'too many deliveries for this repository' },
          },
        },
      },
      '/fabrics': {
        get: { parameters: paging, responses: ok('{items, total, page, perPage}') },
        post: {
          summary: 'Create a fabric (admin)',
          requestBody: body(FabricInput),
          responses: { ...ok('the fabric', '201'), '409': { description: 'name or directory taken' } },
        },
      },
      '/fabrics/{id}': {
        get: { parameters: id, responses: ok('the fabric with status, counts per kind, last sync') },
        patch: { parameters: id, requestBody: body(FabricPatch), responses: ok('the fabric') },
        delete: { parameters: id, responses: { '204': { description: 'deleted with its records' }, ...errors } },
      },
      '/fabrics/{id}/sync': {
        post: {
          summary: 'Queue a sync (operator); returns the active run when one exists',
          parameters: id,
          requestBody: { ...body(SyncInput), required: false },
          responses: ok('{syncRunId, jobId, status}', '202'),
        },
      },
      '/fabrics/{id}/refresh': {
        post: {
          summary: "Read the head of the fabric's revision now (git ls-remote; operator); no sync",
          parameters: id,
          responses: ok('the fabric, with remoteHead, remoteCheckedAt and syncStatus'),
        },
      },
      '/fabrics/{id}/topology': {
        get: {
          summary: 'The fabric drawn from its wiring: {nodes, links, groups}, or an export',
          parameters: [
            ...id,
            { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'mermaid', 'dot', 'drawio'] } },
          ],
          responses: ok('{nodes, links, groups}; text in the format asked for'),
        },
      },
      '/sync-runs': {
        get: {
          parameters: [...paging, { name: 'fabric', in: 'query', schema: { type: 'integer' } }],
          responses: ok('{items, total, page, perPage}'),
        },
      },
      '/sync-runs/{id}': {
        get: { parameters: id, responses: ok('status, stage, progress, commit, counts, per-file results') },
      },
      '/crds': {
        get: {
          summary: 'Records; kind-specific filters (e.g. type=fabric for Connection) are extra query parameters',
          parameters: queryParameters(RecordListQuery),
          responses: ok('{items, total, page, perPage}'),
        },
      },
      '/crds/{id}': { get: { parameters: id, responses: ok('one record with spec, provenance, warnings') } },
    },
  };
}
