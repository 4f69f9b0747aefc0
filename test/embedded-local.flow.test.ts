/**
 * Mode (a): the embedded default — `intake serve` with no DATABASE_URL starts its own PostgreSQL
 * under the data directory, stores objects on local disk and signs its own upload URLs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineFileImportSuite } from './helpers/file-import-suite.js';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';
import { sleep } from './helpers/ports.js';

let dataDir: string;
let intake: IntakeProcess | undefined;

async function listObjects(): Promise<string[]> {
  const root = join(dataDir, 'objects');
  const out: string[] = [];
  for (const dir of await readdir(root).catch(() => [])) for (const f of await readdir(join(root, dir))) out.push(`${dir}/${f}`);
  return out;
}

defineFileImportSuite('embedded PostgreSQL + local storage', {
  hasOtherTenant: false,
  async setup() {
    dataDir = await mkdtemp(join(tmpdir(), 'intake-embedded-'));
    intake = await startIntake({ INTAKE_DATA_DIR: dataDir, INTAKE_UPLOAD_URL_TTL_SECONDS: '4', INTAKE_UPLOAD_MAX_BYTES: String(1024 * 1024) });
    return { intake };
  },
  async teardown() {
    await intake?.stop();
    await rm(dataDir, { recursive: true, force: true });
  },
  modeTests(context) {
    test('a tampered presigned URL is refused with 403 and stores nothing', async () => {
      const api = context().intake.admin;
      const pre = await api.ok('POST', '/api/v2/presigned-url', { name: 'tampered.xml' });
      const url = new URL(pre.url);
      const variants = [
        Object.assign(new URL(url), { pathname: url.pathname.replace('tampered.xml', 'other.xml') }),
        (() => { const u = new URL(url); u.searchParams.set('max', '999999999'); return u; })(),
        (() => { const u = new URL(url); u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600)); return u; })(),
        (() => { const u = new URL(url); u.searchParams.set('sig', 'A'.repeat(43)); return u; })(),
        (() => { const u = new URL(url); u.searchParams.delete('sig'); return u; })(),
      ];
      for (const bad of variants) {
        const res = await fetch(bad, { method: 'PUT', body: 'data' });
        assert.equal(res.status, 403, bad.toString());
        const problem = await res.json();
        assert.match(problem.code, /^UPLOAD_URL_/);
        assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      }
      const wrongMethod = await fetch(url, { method: 'GET' });
      assert.equal(wrongMethod.status, 403);
      assert.deepEqual((await listObjects()).filter((k) => k.endsWith('tampered.xml') || k.endsWith('other.xml')), []);
    });

    test('browsers on another origin may use the presigned URLs (CORS preflight; the signature authorises)', async () => {
      const api = context().intake.admin;
      const pre = await api.ok('POST', '/api/v2/presigned-url', { name: 'cors.xml' });
      const preflight = await fetch(pre.url, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PUT/);
      const put = await fetch(pre.url, { method: 'PUT', headers: { origin: 'http://localhost:5173', 'content-type': 'application/octet-stream' }, body: '<issues/>' });
      assert.equal(put.status, 200);
      assert.equal(put.headers.get('access-control-allow-origin'), '*');
    });

    test('an expired presigned URL is refused with 403 and stores nothing', async () => {
      const api = context().intake.admin;
      const pre = await api.ok('POST', '/api/v2/presigned-url', { name: 'late.xml' });
      await sleep(5500);
      const res = await fetch(pre.url, { method: 'PUT', body: '<a/>' });
      assert.equal(res.status, 403);
      assert.equal((await res.json()).code, 'UPLOAD_URL_EXPIRED');
      assert.equal((await listObjects()).filter((k) => k.endsWith('late.xml')).length, 0);
    });

    test('an upload over the size limit is refused with 413 and stores nothing', async () => {
      const api = context().intake.admin;
      const pre = await api.ok('POST', '/api/v2/presigned-url', { name: 'big.xml' });
      const res = await fetch(pre.url, { method: 'PUT', body: Buffer.alloc(1024 * 1024 + 1, 'a') });
      assert.equal(res.status, 413);
      assert.equal((await listObjects()).filter((k) => k.endsWith('big.xml')).length, 0);
    });

    test('the probe, health, OpenAPI document and docs page answer', async () => {
      const base = context().intake.baseUrl;
      assert.deepEqual(await (await fetch(`${base}/`)).json(), { text: 'Authenticate at /authenticate' });
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      const doc = await (await fetch(`${base}/openapi.json`)).json();
      assert.equal(doc.openapi, '3.0.3');
      for (const path of ['/api/v2/presigned-url', '/api/v2/my-imports', '/api/v2/client/{clientId}/report/{reportId}/preuploaded-import/{source}']) {
        assert.ok(doc.paths[path], `OpenAPI lacks ${path}`);
      }
      assert.ok(doc.paths['/api/v2/client/{clientId}/report/{reportId}/importAsync/{source}'].post.deprecated);
      const docs = await fetch(`${base}/docs`, { redirect: 'follow' });
      assert.equal(docs.status, 200);
      assert.match(await docs.text(), /<html/i);
    });

    test('a restart on the same data directory keeps everything', async () => {
      const before = await context().intake.admin.ok<any[]>('GET', '/api/v1/client/list');
      await intake!.stop();
      intake = await startIntake({ INTAKE_DATA_DIR: dataDir, INTAKE_UPLOAD_URL_TTL_SECONDS: '4', INTAKE_UPLOAD_MAX_BYTES: String(1024 * 1024) });
      context().intake = intake;
      const after = await intake.admin.ok<any[]>('GET', '/api/v1/client/list');
      assert.deepEqual(after, before);
      assert.ok(before.length > 0);
    });
  },
});
