import { Validator } from '@seriousme/openapi-schema-validator';
import { createQueues } from '@steckbrief/queues';
import { buildRegistry } from '@steckbrief/workflows';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { expressRoutes } from '../src/openapi/express-routes.js';
import { completeProfile, REDIS_URL, startTestApi, type TestApi } from './helpers.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, any> }>>;
  components: Record<string, any>;
};

let api: TestApi;
let doc: Doc;
beforeAll(async () => {
  api = await startTestApi('openapi');
  const res = await api.request(null, 'GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => {
  await api?.close();
});

/** Validates a real answer against the schema the document gives for that operation and status. */
function checkDocumented(method: string, path: string, status: number, body: unknown, type = 'application/json') {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'doc');
  let response = doc.paths[path]?.[method]?.responses[String(status)];
  expect(response, `${method} ${path} documents ${status}`).toBeDefined();
  if (response.$ref) response = doc.components.responses[response.$ref.split('/').pop()];
  const pointer = ['paths', path, method, 'responses', String(status), 'content', type, 'schema']
    .map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('/');
  const schema = response.content[type].schema.$ref
    ? { $ref: `doc${response.content[type].schema.$ref}` }
    : { $ref: `doc#/${pointer}` };
  const validate = ajv.compile(schema);
  expect(validate(body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
}

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every route of the app, and no route that does not exist', async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    // With queues, so the dashboard's routes exist too; nothing is added to them.
    const queues = createQueues({
      connection: redis,
      prefix: 'test:openapi:unused',
      mailAttempts: 1,
      mailBackoffMs: 10,
    });
    const app = createApp({
      db: api.database.db,
      redis,
      registry: buildRegistry(),
      logger: pino({ level: 'silent' }),
      queues,
    });
    const routes = expressRoutes(app)
      .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
      // The web pages' own assets (services/web, mounted on the same app) are pages, not the JSON contract.
      .filter((r) => !r.startsWith('GET /assets/web/'));
    // bull-board is an Express app of its own mounted at /admin/queues, which the walk does not enter: its page and
    // JSON API are the package's, not our contract, so the document describes the mount as one operation.
    expect(routes.some((r) => r.includes('/admin/queues'))).toBe(false);
    routes.push('GET /admin/queues');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes).toContain('POST /api/v1/profiles/{id}/events');
    expect(routes).toContain('GET /calendar/{file}');
    expect(new Set(routes).size).toBe(routes.length);
    expect([...routes].sort()).toEqual([...documented].sort());
    await queues.close();
    redis.disconnect();
  });

  it('shares one problem+json schema among all 4xx and 5xx answers and uses a bearer scheme', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400 || (path === '/readyz' && status === '503')) continue;
          expect(response.$ref, `${method} ${path} ${status}`).toBe(`#/components/responses/Problem${status}`);
        }
      }
    }
    expect(doc.components.responses.Problem422.content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    expect(doc.paths['/api/v1/profiles/{id}']?.patch).toMatchObject({
      parameters: expect.arrayContaining([{ $ref: '#/components/parameters/If-Match' }]),
    });
  });

  it('describes the answers the API really gives', async () => {
    const applicant = await api.user([{ role: 'applicant' }], 'Gemeinde Burg');
    const wrl = await api.user([{ role: 'wrl' }]);
    const created = await api.request(applicant.token, 'POST', '/api/v1/profiles', { data: completeProfile() });
    checkDocumented('post', '/api/v1/profiles', 201, created.body);
    const id = created.body.id;
    const submitted = await api.request(applicant.token, 'POST', `/api/v1/profiles/${id}/events`, { type: 'SUBMIT' });
    checkDocumented('post', '/api/v1/profiles/{id}/events', 200, submitted.body);
    const refused = await api.request(applicant.token, 'POST', `/api/v1/profiles/${id}/events`, {
      type: 'ACCEPT',
      payload: { werkstatt: 9 },
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    checkDocumented('post', '/api/v1/profiles/{id}/events', refused.status, refused.body, 'application/problem+json');

    const reads: Array<[string, string, string, string]> = [
      [applicant.token, '/api/v1/profiles', '/api/v1/profiles', 'get'],
      [applicant.token, `/api/v1/profiles/${id}/history`, '/api/v1/profiles/{id}/history', 'get'],
      [wrl.token, '/api/v1/tasks', '/api/v1/tasks', 'get'],
      [wrl.token, '/api/v1/tasks/counts', '/api/v1/tasks/counts', 'get'],
      [wrl.token, '/api/v1/users/me', '/api/v1/users/me', 'get'],
      [wrl.token, '/api/v1/workflows', '/api/v1/workflows', 'get'],
      [wrl.token, '/api/v1/budget', '/api/v1/budget', 'get'],
    ];
    for (const [token, url, path, method] of reads) {
      const res = await api.request(token, method.toUpperCase(), url);
      expect(res.status, url).toBe(200);
      checkDocumented(method, path, 200, res.body);
    }
    const tasks = await api.request(wrl.token, 'GET', '/api/v1/tasks');
    const claimed = await api.request(wrl.token, 'POST', `/api/v1/tasks/${tasks.body.items[0].id}/claim`);
    checkDocumented('post', '/api/v1/tasks/{id}/claim', 200, claimed.body);

    const session = await api.request(wrl.token, 'POST', '/api/v1/sessions', {
      kind: 'werkstatt',
      werkstatt: 4,
      date: '2030-05-04',
      title: 'Werkstatt 4, Mai',
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    checkDocumented('post', '/api/v1/sessions', 201, session.body);
    const list = await api.request(wrl.token, 'GET', '/api/v1/sessions');
    checkDocumented('get', '/api/v1/sessions', 200, list.body);
    const unauthenticated = await api.request(null, 'GET', '/api/v1/tasks');
    checkDocumented('get', '/api/v1/tasks', 401, unauthenticated.body, 'application/problem+json');
  });
});

describe('documentation page', () => {
  it('answers with HTML whose scripts and styles come from the same origin, under helmet’s CSP', async () => {
    const page = await fetch(`${api.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline'; script");
    const html = await page.text();
    expect(html).not.toMatch(/<script>|<script(?![^>]*\ssrc=)[^>]*>/);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      const url = new URL(asset, `${api.url}/api/docs`);
      expect(url.origin).toBe(api.url);
      const res = await fetch(url);
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${api.url}/api/docs/init.js`)).text();
    expect(init).toContain("url: '/api/openapi.json'");
  });

  it('serves only the viewer’s assets from the package, not its demo page', async () => {
    expect((await fetch(`${api.url}/api/docs/assets/index.html`)).status).toBe(404);
    expect((await fetch(`${api.url}/api/docs/assets/swagger-initializer.js`)).status).toBe(404);
  });
});
