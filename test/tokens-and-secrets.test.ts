/**
 * Tokens and secrets over real HTTP against a real `intake serve` (and its worker) whose sessions
 * last 10 seconds: expired, revoked, malformed, tampered and foreign-signed tokens are all 401; an
 * operator-supplied token secret signs the sessions and is not written to the database; a too
 * short one stops the server at start without being echoed; and after a flow that touches every
 * kind of secret (passwords, session and API tokens, MFA and webhook secrets, presigned URL
 * signatures, the installation's signing secrets), the server's log — at trace level — holds none.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startIntake, ADMIN, type IntakeProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { ApiClient } from './helpers/api-client.js';
import { sleep } from './helpers/ports.js';
import { waitForRequest } from './helpers/bulk-import-suite.js';
import { SAMPLE_NESSUS } from '../src/parsers/nessus/fixtures/sample-nessus.js';

const TTL_SECONDS = 10;
const TOKEN_SECRET = `operator-${randomBytes(24).toString('base64url')}`;
const MEMBER = { email: 'member@example.com', password: 'Member-Passw0rd-1' };
const WRONG_PASSWORD = 'Wrong-Passw0rd-never-right';

/** An HS256 JWT with Intake's header and claim names, signed here with `secret`. */
function forgeJwt(secret: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode(header)}.${encode(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('tokens and secrets', () => {
  let db: TestDatabase;
  let dataDir: string;
  let intake: IntakeProcess;
  let admin: { userId: number; tenantId: number };
  /** A session issued when the server started: it has expired by the last test. */
  let earlySession: { token: string; expiresAt: number };
  let hooks: Server;
  let hookUrl: string;
  /** Every secret, password and token the flow handles: none may appear in the log. */
  const secrets = new Map<string, string>([
    ['operator token secret', TOKEN_SECRET],
    ['admin password', ADMIN.password],
    ['member password', MEMBER.password],
    ['wrong password', WRONG_PASSWORD],
  ]);

  const remember = (label: string, value: string) => {
    secrets.set(label, value);
    // A JWT's signature alone is a secret too (with the public header and payload it is the token).
    if (/^[\w-]+\.[\w-]+\.[\w-]{20,}$/.test(value)) secrets.set(`${label} (signature)`, value.split('.')[2]!);
  };

  /** A fresh session of the admin (sessions here last 10 seconds). */
  async function adminApi(): Promise<ApiClient> {
    const api = new ApiClient(intake.baseUrl);
    await api.login(ADMIN.email, ADMIN.password);
    remember(`session ${secrets.size}`, api.token!);
    return api;
  }

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-tokens-'));
    hooks = createServer((req, res) => req.resume().on('end', () => res.end('ok')));
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hooks.address() as { port: number }).port}/hook`;
    intake = await startIntake({
      DATABASE_URL: db.url,
      INTAKE_DATA_DIR: dataDir,
      INTAKE_WORKERS: '1',
      INTAKE_TOKEN_TTL_SECONDS: String(TTL_SECONDS),
      INTAKE_TOKEN_SECRET: TOKEN_SECRET,
      INTAKE_WEBHOOK_ALLOW_PRIVATE: 'true',
      INTAKE_WEBHOOK_BACKOFF_SECONDS: '1',
      LOG_LEVEL: 'trace',
    });
    remember('first session', intake.admin.token!);
    const login = await new ApiClient(intake.baseUrl).request('POST', '/api/v1/authenticate', { username: ADMIN.email, password: ADMIN.password });
    earlySession = { token: login.body.token, expiresAt: Date.parse(login.body.expires_at) };
    remember('early session', earlySession.token);
    const me = (await intake.admin.ok('GET', '/api/v2/users/me')).user;
    admin = { userId: me.id, tenantId: me.tenantId };
  });

  after(async () => {
    hooks?.close();
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const claimsFor = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { sub: String(admin.userId), userId: admin.userId, tenantId: admin.tenantId, username: ADMIN.email, role: 'ADMIN', iat: now, exp: now + 300, ...overrides };
  };

  async function statusWith(authorization: string): Promise<{ status: number; code?: string }> {
    const res = await new ApiClient(intake.baseUrl).request('GET', '/api/v1/client/list', undefined, { authorization });
    return { status: res.status, code: res.body?.code };
  }

  test('the operator-supplied token secret signs sessions and is not stored; the upload secret is generated once, in the database', async () => {
    assert.deepEqual(await statusWith(forgeJwt(TOKEN_SECRET, claimsFor())), { status: 200, code: undefined }, 'a token signed with INTAKE_TOKEN_SECRET is good');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; value: string }>('SELECT name, value FROM app_secrets ORDER BY name');
      assert.deepEqual(rows.map((r) => r.name), ['upload-signing'], 'a supplied secret is never written to the database');
      assert.ok(rows[0]!.value.length >= 32);
      remember('generated upload secret', rows[0]!.value);
    } finally {
      await client.end();
    }
  });

  test('a JWT signed with another secret, tampered with, or unsigned is refused with 401 AUTH_TOKEN_INVALID', async () => {
    const good = forgeJwt(TOKEN_SECRET, claimsFor());
    const [header, , signature] = good.split('.') as [string, string, string];
    const otherTenant = Buffer.from(JSON.stringify(claimsFor({ tenantId: admin.tenantId + 1 }))).toString('base64url');
    const cases: [string, string][] = [
      ['signed with another secret', forgeJwt(randomBytes(32).toString('base64url'), claimsFor())],
      ['signed with the generated secret of another installation', forgeJwt(`operator-${randomBytes(24).toString('base64url')}`, claimsFor())],
      ['payload changed to another tenant, signature kept', `${header}.${otherTenant}.${signature}`],
      ['alg "none", no signature', `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${otherTenant}.`],
      ['HS512 header', forgeJwt(TOKEN_SECRET, claimsFor(), { alg: 'HS512', typ: 'JWT' })],
    ];
    for (const [label, token] of cases) {
      const res = await statusWith(token);
      assert.deepEqual(res, { status: 401, code: 'AUTH_TOKEN_INVALID' }, label);
    }
  });

  test('malformed tokens are refused with 401', async () => {
    for (const authorization of ['Bearer', 'Bearer    ', 'nonsense', 'a.b', 'a.b.c', 'a.b.c.d', '....', `Bearer ${'x'.repeat(5000)}`, 'pa_', `pa_${'A'.repeat(43)}`, 'Basic YWRtaW46cGFzcw==', '\u00e9t\u00e9']) {
      const res = await statusWith(authorization);
      assert.equal(res.status, 401, JSON.stringify(authorization));
      assert.match(res.code ?? '', /^AUTH_/, JSON.stringify(authorization));
    }
    const none = await new ApiClient(intake.baseUrl).request('GET', '/api/v1/client/list');
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 'AUTH_REQUIRED');
  });

  test('a revoked API token is refused with 401, at once', async () => {
    const api = await adminApi();
    const created = await api.ok('POST', '/api/v2/api-tokens', { name: 'to revoke' });
    remember('revoked API token', created.token);
    assert.equal((await statusWith(`Bearer ${created.token}`)).status, 200);
    await api.ok('DELETE', `/api/v2/api-tokens/${created.id}`);
    assert.deepEqual(await statusWith(`Bearer ${created.token}`), { status: 401, code: 'AUTH_TOKEN_INVALID' });
    assert.deepEqual(await statusWith(created.token), { status: 401, code: 'AUTH_TOKEN_INVALID' });
  });

  test('a flow through every kind of secret: passwords, sessions, API tokens, MFA, presigned URLs, imports, bulk reports, webhooks', async () => {
    const api = await adminApi();
    const failed = await new ApiClient(intake.baseUrl).request('POST', '/api/v1/authenticate', { username: ADMIN.email, password: WRONG_PASSWORD });
    assert.equal(failed.status, 401);
    await api.ok('POST', `/api/v2/tenants/${admin.tenantId}/users`, { email: MEMBER.email, password: MEMBER.password, role: 'ANALYST' });
    const member = new ApiClient(intake.baseUrl);
    await member.login(MEMBER.email, MEMBER.password);
    remember('member session', member.token!);
    const refreshed = await member.ok('PUT', '/api/v1/token/refresh');
    remember('refreshed session', refreshed.token);
    const enrolment = await member.ok('POST', '/api/v2/users/me/mfa');
    remember('MFA secret', enrolment.secret);
    const apiToken = await member.ok('POST', '/api/v2/api-tokens', { name: 'ci' });
    remember('API token', apiToken.token);
    const viaToken = new ApiClient(intake.baseUrl);
    viaToken.token = `Bearer ${apiToken.token}`;
    assert.equal((await viaToken.request('GET', '/api/v2/users/me')).status, 200);
    const webhook = await api.ok('POST', '/api/v2/webhooks', { url: hookUrl });
    remember('webhook secret', webhook.secret);

    const target = await api.createClientAndReport('Secrets');
    const upload = await api.upload('scan.nessus', SAMPLE_NESSUS);
    remember('presigned PUT signature', new URL(upload.url).searchParams.get('sig')!);
    const started = await api.ok('POST', `/api/v2/client/${target.clientId}/report/${target.reportId}/preuploaded-import/nessus`, { key: upload.key });
    const done = await api.waitForImport(started.operationId);
    assert.equal(done.status, 'IMPORT COMPLETE', done.error_status);

    const bulk = await api.ok('POST', `/api/v1/idm/${admin.tenantId}/clients/import`, [{ name: 'Bulk secret client' }]);
    const finished = await waitForRequest(await adminApi(), bulk.requestId);
    assert.equal(finished.status, 'Completed');
    remember('bulk report signature', new URL(finished.result.reportUrl).searchParams.get('sig')!);
    assert.equal((await fetch(finished.result.reportUrl)).status, 200);

    // The webhook is delivered (signed with its secret) by the worker.
    const fresh = await adminApi();
    for (let i = 0; i < 100; i++) {
      const deliveries = await fresh.ok<any[]>('GET', `/api/v2/webhooks/${webhook.id}/deliveries`);
      if (deliveries.some((d) => d.status === 'delivered')) break;
      await sleep(100);
    }
  });

  test('a session token stops working once INTAKE_TOKEN_TTL_SECONDS have passed: 401 AUTH_TOKEN_EXPIRED, and it cannot be refreshed', async () => {
    assert.ok(earlySession.expiresAt - Date.now() <= TTL_SECONDS * 1000);
    await sleep(Math.max(0, earlySession.expiresAt - Date.now() + 1100));
    assert.deepEqual(await statusWith(earlySession.token), { status: 401, code: 'AUTH_TOKEN_EXPIRED' });
    const refresh = await new ApiClient(intake.baseUrl).request('PUT', '/api/v1/token/refresh', undefined, { authorization: earlySession.token });
    assert.equal(refresh.status, 401);
    assert.equal(refresh.body.code, 'AUTH_TOKEN_EXPIRED');
    // A token signed with the right secret but already expired is refused the same way.
    assert.deepEqual(await statusWith(forgeJwt(TOKEN_SECRET, claimsFor({ exp: Math.floor(Date.now() / 1000) - 1 }))), { status: 401, code: 'AUTH_TOKEN_EXPIRED' });
    assert.equal((await statusWith((await adminApi()).token!)).status, 200, 'a new session works');
  });

  test('the server log (api and worker, at trace level) holds none of the secrets, passwords and tokens above', async () => {
    const log = intake.log();
    assert.ok(log.length > 10_000, `the log was captured (${log.length} characters)`);
    assert.match(log, /incoming request/, 'requests were logged');
    assert.match(log, /sig=\[redacted\]/, 'presigned URLs were logged, without their signature');
    assert.ok(secrets.size >= 14, `${secrets.size} secrets collected`);
    const found = [...secrets].filter(([, value]) => log.includes(value)).map(([label]) => label);
    assert.deepEqual(found, []);
  });

  test('a signing secret shorter than 32 characters stops the server at start, named but never echoed', async () => {
    const short = 'short-but-secret-value';
    await assert.rejects(
      startIntake({ DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir, INTAKE_WORKERS: '0', INTAKE_UPLOAD_SECRET: short }),
      (error: Error) => {
        assert.match(error.message, /INTAKE_UPLOAD_SECRET: expected at least 32 characters, found 22/);
        assert.doesNotMatch(error.message, new RegExp(short));
        return true;
      },
    );
  });
});
