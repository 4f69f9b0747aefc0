/**
 * Request-level hardening over real HTTP against a real `intake serve`: security headers on every
 * kind of response (API answers, errors, probes, docs, dashboard, SSE, presigned uploads), the
 * pages' Content-Security-Policy checked in a real browser (nothing of /docs or /ui/ is blocked),
 * request body limits on every route that takes a body (enumerated from the OpenAPI document), and
 * client addresses taken from the socket, not from a spoofable X-Forwarded-For.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startIntake, ADMIN, type IntakeProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { ApiClient } from './helpers/api-client.js';
import { DOCUMENT_ROUTES } from '../src/http/body-limits.js';

const MiB = 1024 * 1024;
const JSON_LIMIT = MiB;
const BULK_LIMIT = 2 * MiB;
const DOCUMENT_LIMIT = 3 * MiB;
const PER_ADDRESS = 5;
const CHROMIUM = process.env.INTAKE_TEST_CHROMIUM ?? '/usr/bin/chromium';
const BULK_ROUTE = 'POST /api/v1/idm/{firmId}/{objects}/import';

/**
 * A raw HTTP request that answers even when the server refuses a body before reading it all.
 * The server closes such a connection after its 413 (Node sets `connection: close` when a request
 * body was left unread), and bytes still arriving then can make the kernel reset the connection
 * and drop the answer before it is read. So the body goes out a chunk at a time, each after the
 * previous one has been taken, and stops as soon as an answer has arrived; a body whose declared
 * length is already over the limit is not sent at all until the server has had a moment to
 * answer from the headers alone, which is where Fastify refuses it.
 */
function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string | number>,
  body: Buffer | Buffer[],
  options: { answerFromHeaders?: boolean } = {},
): Promise<{ status: number; headers: Record<string, unknown>; json: any }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method, headers }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
      });
    });
    req.on('error', (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      // Once the answer is in, the server closing on the rest of the body is the point of the test.
      if (answered && (code === 'EPIPE' || code === 'ECONNRESET')) return;
      reject(error);
    });
    const chunks = [body].flat().flatMap((buffer) => Array.from({ length: Math.ceil(buffer.length / 65536) }, (_, i) => buffer.subarray(i * 65536, (i + 1) * 65536)));
    const sendBody = async () => {
      for (const chunk of chunks) {
        if (answered || req.destroyed) return;
        await new Promise<void>((done) => req.write(chunk, () => done()));
      }
      if (!answered && !req.destroyed) req.end();
    };
    if (options.answerFromHeaders) {
      req.flushHeaders();
      setTimeout(() => void sendBody(), 2_000).unref();
    } else {
      void sendBody();
    }
  });
}

function jsonOfSize(bytes: number): Buffer {
  const head = '{"name":"Too big","padding":"';
  const tail = '"}';
  return Buffer.from(head + 'a'.repeat(bytes - head.length - tail.length) + tail);
}

/** OpenAPI path (`{param}`) → the "METHOD /path/:param" form Fastify and DOCUMENT_ROUTES use. */
const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;

describe('security headers, body limits and client addresses', () => {
  let db: TestDatabase;
  let dataDir: string;
  let intake: IntakeProcess;
  let admin: ApiClient;
  let tenantId: number;

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-hardening-'));
    intake = await startIntake({
      DATABASE_URL: db.url,
      INTAKE_DATA_DIR: dataDir,
      INTAKE_WORKERS: '0',
      INTAKE_BULK_MAX_BYTES: String(BULK_LIMIT),
      INTAKE_DOCUMENT_MAX_BYTES: String(DOCUMENT_LIMIT),
      INTAKE_AUTH_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
    });
    admin = intake.admin;
    tenantId = (await admin.ok('GET', '/api/v2/users/me')).user.tenantId;
  });

  after(async () => {
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function assertHardened(label: string, headers: Headers | Record<string, unknown>, options: { page?: boolean; api?: boolean } = {}) {
    const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] as string | undefined)) ?? null;
    assert.equal(get('x-content-type-options'), 'nosniff', `${label}: x-content-type-options`);
    assert.equal(get('x-frame-options'), 'DENY', `${label}: x-frame-options`);
    assert.equal(get('referrer-policy') !== null, true, `${label}: referrer-policy`);
    assert.equal(get('cross-origin-opener-policy'), 'same-origin', `${label}: cross-origin-opener-policy`);
    assert.equal(get('x-powered-by'), null, `${label}: x-powered-by`);
    assert.equal(get('strict-transport-security'), null, `${label}: no HSTS when INTAKE_PUBLIC_URL is http`);
    const csp = get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/, `${label}: CSP ${csp}`);
    if (options.page) assert.match(csp, /default-src 'self'/, `${label}: a page's CSP`);
    else assert.match(csp, /default-src 'none'/, `${label}: data's CSP`);
    if (options.api) assert.match(get('cache-control') ?? '', /no-store|no-cache|private/, `${label}: cache-control`);
  }

  test('every kind of response carries the security headers', async () => {
    const anonymous = new ApiClient(intake.baseUrl);
    const { clientId, reportId } = await admin.createClientAndReport('Headers');
    const cases: [string, Promise<{ status: number; headers: Headers }>, number, { page?: boolean; api?: boolean }][] = [
      ['API answer', admin.request('GET', '/api/v1/client/list'), 200, { api: true }],
      ['login', anonymous.request('POST', '/api/v1/authenticate', { username: ADMIN.email, password: ADMIN.password }), 200, { api: true }],
      ['401', anonymous.request('GET', '/api/v2/my-imports'), 401, { api: true }],
      ['400', admin.request('POST', '/api/v1/client/create', {}), 400, { api: true }],
      ['404 of an API route', admin.request('GET', `/api/v1/client/${clientId}/report/999999`), 404, { api: true }],
      ['404 of no route', anonymous.request('GET', '/api/v9/nothing'), 404, { api: true }],
      ['415', admin.request('POST', '/api/v1/client/create', '<name/>', { 'content-type': 'application/xml' }), 415, { api: true }],
      ['problem details', anonymous.request('GET', '/nothing-here'), 404, {}],
      ['PlexTrac probe', anonymous.request('GET', '/'), 200, {}],
      ['readiness probe', anonymous.request('GET', '/healthz'), 200, {}],
      ['OpenAPI document', anonymous.request('GET', '/openapi.json'), 200, {}],
      ['metrics', anonymous.request('GET', '/metrics'), 200, {}],
      ['docs page', anonymous.request('GET', '/docs/'), 200, { page: true }],
      ['docs script', anonymous.request('GET', '/docs/static/swagger-ui-bundle.js'), 200, { page: true }],
      ['dashboard page', anonymous.request('GET', '/ui/'), 200, { page: true }],
      ['bad presigned URL', anonymous.request('PUT', '/cloud/uploads/cx/a.nessus?expires=1&max=1&sig=x', 'x'), 403, { api: true }],
    ];
    for (const [label, pending, status, options] of cases) {
      const res = await pending;
      assert.equal(res.status, status, label);
      assertHardened(label, res.headers, options);
    }

    const pre = await admin.ok('POST', '/api/v2/presigned-url', { name: 'scan.nessus' });
    const put = await fetch(pre.url, { method: 'PUT', body: '<NessusClientData_v2/>' });
    assert.equal(put.status, 200);
    assertHardened('presigned PUT', put.headers, { api: true });
    const started = await admin.ok('POST', `/api/v2/client/${clientId}/report/${reportId}/preuploaded-import/nessus`, { key: pre.key });

    // Server-Sent Events hijack the reply and write their own head: the headers must survive that.
    const abort = new AbortController();
    const events = await fetch(`${intake.baseUrl}/api/v2/my-imports/${started.operationId}/events`, { headers: { authorization: admin.token! }, signal: abort.signal });
    assert.equal(events.status, 200);
    assert.match(events.headers.get('content-type') ?? '', /text\/event-stream/);
    assertHardened('SSE stream', events.headers);
    abort.abort();
  });

  test('in a real browser, /docs renders the API and /ui/ its sign-in form with nothing blocked by the CSP', async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (apt-get install -y chromium, or set INTAKE_TEST_CHROMIUM)`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => console.error(`Refused to: CSP ${event.violatedDirective} blocked ${event.blockedURI}`));
      });
      await page.goto(`${intake.baseUrl}/docs/`);
      await page.waitForSelector('.opblock-summary-path', { timeout: 30_000 });
      assert.ok((await page.locator('.opblock-summary-path').count()) > 50, 'swagger-ui lists the routes');
      await page.goto(`${intake.baseUrl}/ui/`);
      await page.waitForSelector('input[type="password"]', { timeout: 30_000 });
      assert.deepEqual(violations, []);
    } finally {
      await browser.close();
    }
  });

  test('an ordinary JSON body over 1 MiB is refused with 413 REQUEST_BODY_TOO_LARGE and nothing is created', async () => {
    const url = `${intake.baseUrl}/api/v1/client/create`;
    const auth = { authorization: admin.token!, 'content-type': 'application/json' };
    const declared = await rawRequest(url, 'POST', { ...auth, 'content-length': JSON_LIMIT + 1 }, jsonOfSize(JSON_LIMIT + 1), { answerFromHeaders: true });
    assert.equal(declared.status, 413);
    assert.equal(declared.json.code, 'REQUEST_BODY_TOO_LARGE');
    assert.match(declared.json.message, new RegExp(`${JSON_LIMIT} bytes`));
    assertHardened('413', declared.headers, { api: true });
    // Without a declared length (chunked), the limit holds as the bytes arrive.
    const body = jsonOfSize(JSON_LIMIT + 64 * 1024);
    const chunks = Array.from({ length: 17 }, (_, i) => body.subarray(i * 65536, (i + 1) * 65536)).filter((c) => c.length > 0);
    const chunked = await rawRequest(url, 'POST', { ...auth, 'transfer-encoding': 'chunked' }, chunks);
    assert.equal(chunked.status, 413);
    assert.equal(chunked.json.code, 'REQUEST_BODY_TOO_LARGE');
    const form = await rawRequest(url, 'POST', { authorization: admin.token!, 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from(`name=Too+big&padding=${'a'.repeat(JSON_LIMIT)}`));
    assert.equal(form.status, 413, 'form-encoded bodies too');
    assert.equal((await admin.ok<any[]>('GET', '/api/v1/client/list')).some((c) => c.data[1] === 'Too big'), false, 'nothing was created');

    const justUnder = await rawRequest(url, 'POST', auth, jsonOfSize(JSON_LIMIT - 1024));
    assert.equal(justUnder.status, 200, 'a body under the limit is accepted');
  });

  test('every route that takes a body has a limit: 1 MiB, or its own for bulk imports and whole documents', async () => {
    const doc = (await admin.ok('GET', '/openapi.json')) as { paths: Record<string, Record<string, unknown>> };
    const checked: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
        const key = routeKey(method, path);
        const limit = key === routeKey('POST', BULK_ROUTE.split(' ')[1]!) ? BULK_LIMIT : DOCUMENT_ROUTES.has(key) ? DOCUMENT_LIMIT : JSON_LIMIT;
        const url = intake.baseUrl + path.replace(/\{(\w+)\}/g, '1');
        // No token: a body within the limit reaches authentication (401) and nothing can be created.
        const headers = { 'content-type': 'application/json' };
        const over = await rawRequest(url, method.toUpperCase(), { ...headers, 'content-length': limit + 1 }, jsonOfSize(limit + 1), { answerFromHeaders: true });
        assert.equal(over.status, 413, `${key}: ${limit + 1} bytes`);
        assert.equal(over.json?.code ?? over.json?.error?.toUpperCase(), 'REQUEST_BODY_TOO_LARGE', key);
        if (limit > JSON_LIMIT) {
          const within = await rawRequest(url, method.toUpperCase(), { ...headers, 'content-length': JSON_LIMIT + 1 }, jsonOfSize(JSON_LIMIT + 1));
          assert.notEqual(within.status, 413, `${key} accepts more than the default limit`);
        }
        checked.push(key);
      }
    }
    assert.ok(checked.length > 40, `only ${checked.length} routes checked`);
    for (const key of [...DOCUMENT_ROUTES]) assert.ok(checked.includes(key), `${key} is a route of the OpenAPI document`);
  });

  test('the bulk route takes a body over 1 MiB up to INTAKE_BULK_MAX_BYTES', async () => {
    const objects = Array.from({ length: 200 }, (_, i) => ({ name: `Bulk ${i}`, description: 'd'.repeat(7000) }));
    const body = Buffer.from(JSON.stringify(objects));
    assert.ok(body.length > JSON_LIMIT && body.length < BULK_LIMIT);
    const res = await rawRequest(`${intake.baseUrl}/api/v1/idm/${tenantId}/clients/import`, 'POST', { authorization: admin.token!, 'content-type': 'application/json' }, body);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.match(res.json.requestId, /\S/);
  });

  // Last: it leaves 127.0.0.1 rate-limited.
  test('X-Forwarded-For is ignored by default: a client cannot pick its address to dodge the per-address login limit', async () => {
    const anonymous = new ApiClient(intake.baseUrl);
    for (let i = 0; i < PER_ADDRESS; i++) {
      const res = await anonymous.request('POST', '/api/v1/authenticate', { username: `spray${i}@example.com`, password: 'Guess-1234' }, { 'x-forwarded-for': `203.0.113.${i + 1}` });
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    const next = await anonymous.request('POST', '/api/v1/authenticate', { username: ADMIN.email, password: ADMIN.password }, { 'x-forwarded-for': '198.51.100.200' });
    assert.equal(next.status, 429, 'every attempt counted against the socket address, 127.0.0.1');
    assert.equal(next.body.code, 'AUTH_RATE_LIMITED');
  });
});
