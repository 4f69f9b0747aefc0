/**
 * The HTTP layer in-process (buildApp + app.inject) against a real PostgreSQL: request shapes,
 * PlexTrac-compatible bodies and error shapes, without a listening socket.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logging.js';
import { startRuntime, type Runtime } from '../src/main/runtime.js';
import { ensureAdmin } from '../src/auth/auth.service.js';
import { TokenSigner } from '../src/auth/tokens.js';
import { buildApp } from '../src/http/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

describe('HTTP API through app.inject', () => {
  let db: TestDatabase;
  let dataDir: string;
  let runtime: Runtime;
  let app: FastifyInstance;
  let token: string;

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-inject-'));
    const config = loadConfig({ DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const log = createLogger('silent', 'test');
    runtime = await startRuntime(config, log, { allowEmbedded: false });
    await ensureAdmin(runtime.pool, log, { email: 'root@example.com', password: 'Inject-Passw0rd' });
    app = await buildApp({ config, log, pool: runtime.pool, boss: runtime.boss, store: runtime.store, tokens: new TokenSigner(runtime.secrets.tokens, 900) });
    const login = await app.inject({ method: 'POST', url: '/api/v1/authenticate', payload: { username: 'ROOT@example.com', password: 'Inject-Passw0rd' } });
    assert.equal(login.statusCode, 200);
    token = login.json().token;
  });

  after(async () => {
    await app?.close();
    await runtime?.close();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const auth = () => ({ authorization: token });

  test('login answers PlexTrac fields; the token is a JWT carrying tenantId, username and exp', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/authenticate', payload: { username: 'root@example.com', password: 'Inject-Passw0rd' } });
    const body = res.json();
    assert.equal(body.status, 'success');
    assert.equal(typeof body.tenant_id, 'number');
    assert.equal(typeof body.cookie, 'string');
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
    assert.equal(claims.tenantId, body.tenant_id);
    assert.equal(claims.username, 'root@example.com');
    assert.ok(claims.exp - claims.iat === 900);
  });

  test('form-encoded report creation (as PlexTrac scripts send it) treats empty strings as unset', async () => {
    const client = (await app.inject({ method: 'POST', url: '/api/v1/client/create', headers: auth(), payload: { name: 'Form Co', poc: '' } })).json();
    assert.equal(client.status, 'success');
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/client/${client.client_id}/report/create`,
      headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=Form+report&status=&description=&start_date=',
    });
    assert.equal(res.statusCode, 200, res.body);
    const created = res.json();
    assert.equal(created.doc_id, `report_${created.report_id}_client_${client.client_id}`);
    const report = (await app.inject({ url: `/api/v1/client/${client.client_id}/report/${created.report_id}`, headers: auth() })).json();
    assert.equal(report.name, 'Form report');
    assert.equal(report.status, 'Draft');
    assert.equal(report.description, undefined);
    const rows = (await app.inject({ url: `/api/v1/client/${client.client_id}/reports`, headers: auth() })).json();
    assert.deepEqual(rows.map((r: any) => [r.data[0], r.data[1], r.data[3]]), [[created.report_id, 'Form report', 'Draft']]);
    const list = (await app.inject({ url: '/api/v1/client/list', headers: auth() })).json();
    assert.deepEqual(list.find((r: any) => r.doc_id[0] === client.client_id).data, [client.client_id, 'Form Co', null]);
  });

  test('PlexTrac routes answer errors as {status, statusCode, error, message, code}', async () => {
    const missingName = await app.inject({ method: 'POST', url: '/api/v1/client/create', headers: auth(), payload: {} });
    assert.equal(missingName.statusCode, 400);
    assert.deepEqual(Object.keys(missingName.json()).sort(), ['code', 'error', 'message', 'status', 'statusCode']);
    assert.equal(missingName.json().code, 'VALIDATION_FAILED');

    const badId = await app.inject({ url: '/api/v1/client/abc/assets', headers: auth() });
    assert.equal(badId.statusCode, 400);
    const absent = await app.inject({ url: '/api/v1/client/987654/report/1/flaw/1', headers: auth() });
    assert.equal(absent.statusCode, 404);
    assert.equal(absent.json().status, 'error');
    const noRoute = await app.inject({ url: '/api/v1/nothing-here', headers: auth() });
    assert.equal(noRoute.statusCode, 404);
    assert.equal(noRoute.json().code, 'NOT_FOUND');

    const xml = await app.inject({ method: 'POST', url: '/api/v1/client/create', headers: { ...auth(), 'content-type': 'application/xml' }, payload: '<name/>' });
    assert.equal(xml.statusCode, 415);
    assert.equal(xml.json().code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.match(xml.json().message, /content type "application\/xml" is not one Intake reads; send JSON \(application\/json\)/);
  });

  test("Intake's own routes answer errors as RFC 9457 problem details", async () => {
    const res = await app.inject({ url: '/no-such-page' });
    assert.equal(res.statusCode, 404);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    assert.equal(res.json().status, 404);
    assert.equal(res.json().code, 'NOT_FOUND');
  });

  test('GET /api/v2/parsers lists every source with its name, aliases, file types and auto-detection', async () => {
    const res = await app.inject({ url: '/api/v2/parsers', headers: auth() });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.auto, 'auto');
    const nessus = body.parsers.find((p: any) => p.source === 'nessus');
    assert.deepEqual(nessus, { source: 'nessus', name: 'Tenable Nessus (.nessus v2)', aliases: [], fileTypes: ['.nessus', '.xml'], autoDetect: true });
    assert.ok(body.parsers.some((p: any) => p.source === 'burp'));
    assert.equal((await app.inject({ url: '/api/v2/parsers' })).statusCode, 401);
  });

  test('every API route declares its request and response schemas in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    // Routes that take no body at all (the token travels in `authorization`).
    const bodiless = new Set(['put /api/v1/token/refresh']);
    for (const [path, methods] of Object.entries<any>(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries<any>(methods)) {
        const route = `${method} ${path}`;
        assert.ok(op.responses?.['200'] ?? op.responses?.['201'] ?? op.responses?.['202'] ?? op.responses?.['204'], `${route} has no success response schema`);
        const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        assert.deepEqual((op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name).sort(), pathParams, `${route} path parameters`);
        if (['post', 'put', 'patch'].includes(method) && !bodiless.has(route)) {
          assert.ok(op.requestBody?.content && Object.keys(op.requestBody.content).length > 0, `${route} declares no request body`);
        }
      }
    }
    // Multipart routes are streamed by their handlers; their form is documented all the same.
    const legacy = doc.paths['/api/v2/client/{clientId}/report/{reportId}/importAsync/{source}'].post;
    const form = legacy.requestBody.content['multipart/form-data'].schema;
    assert.deepEqual(form.properties.file, { type: 'string', format: 'binary', description: form.properties.file.description });
    assert.deepEqual(form.required, ['file']);
    assert.ok(doc.paths['/api/v1/client/{clientId}/report/{reportId}/import/{source}'].post.requestBody.content['multipart/form-data']);
    assert.ok(doc.paths['/api/v1/uploads'].post.requestBody.content['multipart/form-data']);
  });

  test('documenting a multipart body does not make Fastify validate it: the legacy import still streams', async () => {
    const client = (await app.inject({ method: 'POST', url: '/api/v1/client/create', headers: auth(), payload: { name: 'Multipart Co' } })).json();
    const report = (await app.inject({ method: 'POST', url: `/api/v1/client/${client.client_id}/report/create`, headers: auth(), payload: { name: 'R' } })).json();
    const boundary = 'intake-boundary';
    const payload = [`--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="x.xml"', 'Content-Type: text/xml', '', '<issues/>', `--${boundary}--`, ''].join('\r\n');
    const res = await app.inject({
      method: 'POST',
      url: `/api/v2/client/${client.client_id}/report/${report.report_id}/importAsync/burp`,
      headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().importJob.status, 'IN QUEUE');
  });
});
