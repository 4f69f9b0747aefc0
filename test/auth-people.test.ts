/**
 * People and access over real HTTP against a real `intake serve`: TOTP multi-factor login (codes
 * computed here, independently of Intake's own TOTP code), token refresh, rate limiting, tenants
 * (API and CLI), tenant users, deactivation, roles and personal API tokens.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startIntake, ADMIN, type IntakeProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { ApiClient } from './helpers/api-client.js';
import { sleep } from './helpers/ports.js';
import { totp, stepNow } from './helpers/totp.js';

const CLI = fileURLToPath(new URL('../src/main/cli.js', import.meta.url));
const PER_ADDRESS = 25;


describe('people and access', () => {
  let db: TestDatabase;
  let dataDir: string;
  let intake: IntakeProcess;
  let admin: ApiClient;
  let tenantId: number;

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-people-'));
    intake = await startIntake({
      DATABASE_URL: db.url,
      INTAKE_DATA_DIR: dataDir,
      INTAKE_WORKERS: '0',
      INTAKE_AUTH_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
      // The rate-limit tests simulate client addresses with X-Forwarded-For, as a trusted proxy would send it.
      INTAKE_TRUST_PROXY: 'true',
    });
    admin = intake.admin;
    tenantId = (await admin.ok('GET', '/api/v2/users/me')).user.tenantId;
  });

  after(async () => {
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A user of the admin's tenant, logged in. */
  async function member(email: string, role: string): Promise<{ api: ApiClient; id: number; password: string }> {
    const password = `Pw-${email}-123`;
    const created = await admin.request('POST', `/api/v2/tenants/${tenantId}/users`, { email, name: email.split('@')[0], role, password });
    assert.equal(created.status, 200, created.text);
    const api = new ApiClient(intake.baseUrl);
    await api.login(email, password);
    return { api, id: created.body.user.id, password };
  }

  test('MFA: enrol, then log in with the challenge and a TOTP; wrong, reused and replayed codes are refused', async () => {
    const { api, password } = await member('mfa@example.com', 'ANALYST');
    const enrol = await api.ok('POST', '/api/v2/users/me/mfa');
    assert.match(enrol.secret, /^[A-Z2-7]{32}$/);
    assert.ok(enrol.otpauthUrl.startsWith('otpauth://totp/Intake:mfa%40example.com?'), enrol.otpauthUrl);
    assert.equal(new URL(enrol.otpauthUrl).searchParams.get('secret'), enrol.secret);
    const base = stepNow();
    const wrong = totp(enrol.secret, base + 5) === totp(enrol.secret, base) ? '000000' : totp(enrol.secret, base + 5);

    const badConfirm = await api.request('POST', '/api/v2/users/me/mfa/confirm', { code: wrong });
    assert.equal(badConfirm.status, 400);
    assert.equal(badConfirm.body.code, 'MFA_CODE_INVALID');
    assert.equal((await api.ok('GET', '/api/v2/users/me')).user.mfaEnabled, false, 'not on before a good code');
    await api.ok('POST', '/api/v2/users/me/mfa/confirm', { code: totp(enrol.secret, base - 1) });
    assert.equal((await api.ok('GET', '/api/v2/users/me')).user.mfaEnabled, true);
    assert.equal((await api.request('POST', '/api/v2/users/me/mfa')).status, 409, 'no silent re-enrolment while on');

    const anonymous = new ApiClient(intake.baseUrl);
    const first = await anonymous.request('POST', '/api/v1/authenticate', { username: 'mfa@example.com', password });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.status, 'success');
    assert.equal(first.body.mfa_enabled, true);
    assert.equal(first.body.tenant_id, tenantId);
    assert.equal(typeof first.body.code, 'string');
    assert.equal(first.body.token, undefined, 'no usable token before the second step');
    assert.equal((await anonymous.request('GET', '/api/v1/client/list', undefined, { authorization: first.body.code })).status, 401);

    const badCode = await anonymous.request('POST', '/api/v1/authenticate/mfa', { code: first.body.code, token: wrong });
    assert.equal(badCode.status, 401);
    assert.equal(badCode.body.status, 'error');
    assert.equal(badCode.body.token, undefined);

    const second = await anonymous.request('POST', '/api/v1/authenticate/mfa', { code: first.body.code, token: totp(enrol.secret, base) });
    assert.equal(second.status, 200, second.text);
    assert.deepEqual(Object.keys(second.body).sort(), ['cookie', 'expires_at', 'status', 'tenant_id', 'token']);
    assert.equal(second.body.tenant_id, tenantId);
    assert.equal((await anonymous.request('GET', '/api/v1/client/list', undefined, { authorization: `Bearer ${second.body.token}` })).status, 200);
    const reused = await anonymous.request('POST', '/api/v1/authenticate/mfa', { code: first.body.code, token: totp(enrol.secret, base + 1) });
    assert.equal(reused.status, 401, 'a challenge is good once');

    const again = await anonymous.request('POST', '/api/v1/authenticate', { username: 'mfa@example.com', password });
    const replay = await anonymous.request('POST', '/api/v1/authenticate/mfa', { code: again.body.code, token: totp(enrol.secret, base) });
    assert.equal(replay.status, 401, 'a TOTP code is good once');

    const off = await api.request('DELETE', '/api/v2/users/me/mfa', { code: totp(enrol.secret, base + 1) });
    assert.equal(off.status, 200, off.text);
    const plain = await anonymous.request('POST', '/api/v1/authenticate', { username: 'mfa@example.com', password });
    assert.equal(typeof plain.body.token, 'string');
    assert.equal(plain.body.mfa_enabled, undefined);
  });

  test('failed logins are vague: an unknown user and a wrong password answer alike', async () => {
    const unknown = await new ApiClient(intake.baseUrl).request('POST', '/api/v1/authenticate', { username: 'nobody@example.com', password: 'whatever-1' });
    const wrong = await new ApiClient(intake.baseUrl).request('POST', '/api/v1/authenticate', { username: ADMIN.email, password: 'whatever-1' });
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.body, wrong.body);
  });

  test('PUT /api/v1/token/refresh gives a new 15-minute session from a valid token, and needs one', async () => {
    const login = await new ApiClient(intake.baseUrl).request('POST', '/api/v1/authenticate', { username: ADMIN.email, password: ADMIN.password });
    const refreshed = await admin.request('PUT', '/api/v1/token/refresh', undefined, { authorization: login.body.token });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.deepEqual(Object.keys(refreshed.body).sort(), ['cookie', 'expires_at', 'status', 'tenant_id', 'token']);
    const claims = JSON.parse(Buffer.from(refreshed.body.token.split('.')[1], 'base64url').toString());
    assert.equal(claims.exp - claims.iat, 900);
    assert.ok(Date.parse(refreshed.body.expires_at) >= Date.parse(login.body.expires_at));
    assert.equal((await admin.request('GET', '/api/v1/client/list', undefined, { authorization: refreshed.body.token })).status, 200);
    assert.equal((await admin.request('PUT', '/api/v1/token/refresh', undefined, { authorization: '' })).status, 401);
    assert.equal((await admin.request('PUT', '/api/v1/token/refresh', undefined, { authorization: `${login.body.token}x` })).status, 401);
  });

  test('rate limit: after N failures an account answers 429 with Retry-After, whoever asks and whether or not it exists', async () => {
    await member('victim@example.com', 'ANALYST');
    const from = (address: string) => ({ 'x-forwarded-for': address });
    for (const username of ['victim@example.com', 'ghost@example.com']) {
      for (let i = 0; i < 10; i++) {
        const res = await admin.request('POST', '/api/v1/authenticate', { username, password: `wrong-${i}` }, from('203.0.113.9'));
        assert.equal(res.status, 401, `attempt ${i + 1} for ${username}`);
      }
      const limited = await admin.request('POST', '/api/v1/authenticate', { username, password: 'wrong-again' }, from('203.0.113.9'));
      assert.equal(limited.status, 429, username);
      assert.equal(limited.body.code, 'AUTH_RATE_LIMITED');
      assert.doesNotMatch(limited.body.message, /exist|unknown|victim|ghost/i);
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`);
    }
    const right = await admin.request('POST', '/api/v1/authenticate', { username: 'victim@example.com', password: 'Pw-victim@example.com-123' }, from('198.51.100.1'));
    assert.equal(right.status, 429, 'the right password from another address does not lift an account limit');
  });

  test('rate limit: one address failing across many accounts is stopped too', async () => {
    const from = { 'x-forwarded-for': '198.51.100.77' };
    for (let i = 0; i < PER_ADDRESS; i++) {
      const res = await admin.request('POST', '/api/v1/authenticate', { username: `spray${i}@example.com`, password: 'Spring2024!' }, from);
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    const limited = await admin.request('POST', '/api/v1/authenticate', { username: ADMIN.email, password: ADMIN.password }, from);
    assert.equal(limited.status, 429);
    const elsewhere = await admin.request('POST', '/api/v1/authenticate', { username: ADMIN.email, password: ADMIN.password }, { 'x-forwarded-for': '198.51.100.78' });
    assert.equal(elsewhere.status, 200);
  });

  test('tenants: the instance admin creates one with its admin (password shown once); nobody else can', async () => {
    const created = await admin.request('POST', '/api/v2/tenants', { name: 'Beta', admin: { email: 'beta-admin@example.com', name: 'Bea' } });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.tenant.name, 'Beta');
    assert.equal(created.body.admin.role, 'ADMIN');
    assert.equal(created.body.admin.tenantId, created.body.tenant.id);
    assert.match(created.body.password, /^\S{16,}$/);
    const beta = new ApiClient(intake.baseUrl);
    const login = await beta.request('POST', '/api/v1/authenticate', { username: 'beta-admin@example.com', password: created.body.password });
    assert.equal(login.body.tenant_id, created.body.tenant.id);
    beta.token = login.body.token;

    const list = await admin.ok('GET', '/api/v2/tenants');
    assert.deepEqual(list.data.map((t: any) => t.name).slice(0, 2), ['Default', 'Beta']);
    assert.equal(list.data.find((t: any) => t.name === 'Beta').userCount, 1);
    for (const [method, body] of [['GET', undefined], ['POST', { name: 'Sneaky', admin: { email: 'x@example.com' } }]] as const) {
      const refused = await beta.request(method, '/api/v2/tenants', body);
      assert.equal(refused.status, 403, `${method} by a tenant admin`);
      assert.equal(refused.body.code, 'FORBIDDEN_INSTANCE_ADMIN');
    }
    const taken = await admin.request('POST', '/api/v2/tenants', { name: 'Dup', admin: { email: 'BETA-admin@example.com', password: 'Long-enough-1' } });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, 'USER_EMAIL_TAKEN');
    assert.equal((await admin.ok('GET', '/api/v2/tenants')).data.some((t: any) => t.name === 'Dup'), false, 'no tenant left without an admin');
  });

  test('`intake tenant create` creates a tenant from the console, with the api running', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'tenant', ...args], {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const ok = await run(['create', '--name', 'Gamma', '--admin-email', 'gamma@example.com', '--admin-password', 'Gamma-Passw0rd']);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /tenant name: Gamma/);
    assert.doesNotMatch(ok.out, /password:/, 'a given password is not echoed');
    const gamma = new ApiClient(intake.baseUrl);
    await gamma.login('gamma@example.com', 'Gamma-Passw0rd');
    assert.equal((await gamma.ok('GET', '/api/v2/users/me')).user.role, 'ADMIN');

    const usage = await run(['create', '--name', 'NoAdmin']);
    assert.equal(usage.code, 2);
    assert.match(usage.out, /--admin-email are required/);
    const taken = await run(['create', '--name', 'Again', '--admin-email', 'gamma@example.com']);
    assert.equal(taken.code, 1);
    assert.match(taken.out, /already exists/);
  });

  test('tenant users: paged, and any other tenant id is a 404', async () => {
    for (let i = 0; i < 3; i++) await admin.ok('POST', `/api/v2/tenants/${tenantId}/users`, { email: `page${i}@example.com`, role: 'read-only' });
    const all = await admin.ok('GET', `/api/v2/tenants/${tenantId}/users?limit=500`);
    const total = all.meta.pagination.total;
    assert.equal(all.data.length, total);
    assert.ok(total >= 4);
    const seen: number[] = [];
    for (let page = 1; page <= Math.ceil(total / 2); page++) {
      const res = await admin.ok('GET', `/api/v2/tenants/${tenantId}/users?page=${page}&limit=2`);
      assert.deepEqual(res.meta.pagination, { page, limit: 2, total });
      seen.push(...res.data.map((u: any) => u.id));
    }
    assert.deepEqual(seen, all.data.map((u: any) => u.id));
    const paged = all.data.find((u: any) => u.email === 'page0@example.com');
    assert.equal(paged.role, 'READ_ONLY');
    assert.equal(paged.isActive, true);
    assert.deepEqual(paged.mfa, { enabled: false });
    assert.equal(paged.fullName, 'page0@example.com');
    assert.equal(typeof paged.createdAt, 'string');
    assert.equal(all.data.some((u: any) => 'password_hash' in u || 'passwordHash' in u || 'mfa_secret' in u), false);

    const betaTenant = (await admin.ok('GET', '/api/v2/tenants')).data.find((t: any) => t.name === 'Beta').id;
    for (const id of [betaTenant, 999999]) {
      const res = await admin.request('GET', `/api/v2/tenants/${id}/users`);
      assert.equal(res.status, 404, `tenant ${id}`);
      assert.equal(res.body.code, 'TENANT_NOT_FOUND');
      assert.equal((await admin.request('POST', `/api/v2/tenants/${id}/users`, { email: `intruder${id}@example.com` })).status, 404);
    }
  });

  test('a deactivated user is refused at once, even with a token that has not expired; reactivation restores access', async () => {
    const leaver = await member('leaver@example.com', 'ANALYST');
    const apiToken = await leaver.api.ok('POST', '/api/v2/api-tokens', { name: 'leaver script' });
    assert.equal((await leaver.api.request('GET', '/api/v1/client/list')).status, 200);
    const off = await admin.request('POST', `/api/v2/tenants/${tenantId}/users/${leaver.id}/deactivate`);
    assert.equal(off.status, 200, off.text);
    assert.equal(off.body.user.isActive, false);
    assert.equal((await leaver.api.request('GET', '/api/v1/client/list')).status, 401, 'session token');
    assert.equal((await leaver.api.request('GET', '/api/v1/client/list', undefined, { authorization: apiToken.token })).status, 401, 'API token');
    const login = await new ApiClient(intake.baseUrl).request('POST', '/api/v1/authenticate', { username: 'leaver@example.com', password: leaver.password });
    assert.equal(login.status, 401);
    assert.equal(login.body.message, 'invalid username or password', 'vague: does not say the account is deactivated');

    await admin.ok('POST', `/api/v2/tenants/${tenantId}/users/${leaver.id}/activate`);
    assert.equal((await leaver.api.request('GET', '/api/v1/client/list')).status, 200);
  });

  test('a tenant keeps an active admin, and the instance admin cannot be deactivated', async () => {
    const me = (await admin.ok('GET', '/api/v2/users/me')).user;
    const deputy = await member('deputy@example.com', 'ADMIN');
    const protectedRes = await deputy.api.request('POST', `/api/v2/tenants/${tenantId}/users/${me.id}/deactivate`);
    assert.equal(protectedRes.status, 409);
    assert.equal(protectedRes.body.code, 'USER_PROTECTED');
    const takeover = await deputy.api.request('PUT', `/api/v2/tenants/${tenantId}/users/${me.id}`, { password: 'Taken-over-123' });
    assert.equal(takeover.status, 409, "another admin cannot set the instance admin's password");
    assert.equal(takeover.body.code, 'USER_PROTECTED');
    await admin.ok('PUT', `/api/v2/tenants/${tenantId}/users/${deputy.id}`, { role: 'ANALYST' });
    const demoteSelf = await admin.request('PUT', `/api/v2/tenants/${tenantId}/users/${me.id}`, { role: 'ANALYST' });
    assert.equal(demoteSelf.status, 409);
    assert.equal(demoteSelf.body.code, 'LAST_ADMIN');
  });

  test('roles: READ_ONLY reads but every write route answers 403; a role change applies at once', async () => {
    const reader = await member('reader@example.com', 'READ_ONLY');
    const target = await admin.createClientAndReport('Readable');
    assert.equal((await reader.api.request('GET', '/api/v1/client/list')).status, 200);
    assert.equal((await reader.api.request('GET', `/api/v1/client/${target.clientId}/reports`)).status, 200);
    const writes: [string, string, unknown][] = [
      ['POST', '/api/v1/client/create', { name: 'Nope' }],
      ['POST', `/api/v1/client/${target.clientId}/report/create`, { name: 'Nope' }],
      ['POST', '/api/v2/presigned-url', { name: 'scan.nessus' }],
      ['POST', `/api/v2/client/${target.clientId}/report/${target.reportId}/preuploaded-import/nessus`, { key: 'x/y' }],
      ['POST', `/api/v1/idm/${tenantId}/clients/import`, [{ name: 'Nope' }]],
      ['POST', `/api/v2/tenants/${tenantId}/users`, { email: 'made-by-reader@example.com' }],
    ];
    for (const [method, path, body] of writes) {
      const res = await reader.api.request(method, path, body);
      assert.equal(res.status, 403, `${method} ${path}: ${res.text}`);
      assert.equal(res.body.code, 'FORBIDDEN_ROLE');
    }
    const analyst = await member('analyst@example.com', 'ANALYST');
    assert.equal((await analyst.api.request('POST', `/api/v2/tenants/${tenantId}/users`, { email: 'made-by-analyst@example.com' })).status, 403);
    assert.equal((await analyst.api.request('POST', `/api/v1/idm/${tenantId}/users/import`, [{ email: 'bulk@example.com' }])).status, 403);

    await admin.ok('PUT', `/api/v2/tenants/${tenantId}/users/${reader.id}`, { role: 'analyst', name: 'Reader Promoted' });
    assert.equal((await reader.api.request('POST', '/api/v1/client/create', { name: 'Now allowed' })).status, 200);
  });

  test('API tokens: created once, used as Bearer or bare on any route, listed without secret, revoked → 401', async () => {
    const created = await admin.request('POST', '/api/v2/api-tokens', { name: 'ci' });
    assert.equal(created.status, 200, created.text);
    assert.match(created.body.token, /^pa_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.body.name, 'ci');
    assert.equal(created.body.expiresAt, null);
    const token: string = created.body.token;

    const viaToken = new ApiClient(intake.baseUrl);
    viaToken.token = `Bearer ${token}`;
    assert.equal((await viaToken.request('GET', '/api/v1/client/list')).status, 200);
    assert.equal((await admin.request('GET', '/api/v1/client/list', undefined, { authorization: token })).status, 200, 'bare');
    assert.equal((await viaToken.ok('GET', '/api/v2/users/me')).via, 'API Token - ci');
    assert.equal((await viaToken.request('POST', '/api/v1/client/create', { name: 'By token' })).status, 200);
    const minted = await viaToken.request('POST', '/api/v2/api-tokens', { name: 'child' });
    assert.equal(minted.status, 403, 'an API token cannot mint tokens');
    assert.equal(minted.body.code, 'API_TOKEN_NOT_ALLOWED');
    assert.equal((await viaToken.request('POST', '/api/v2/users/me/mfa')).status, 403, 'nor change MFA');

    assert.equal((await admin.request('POST', '/api/v2/api-tokens', { name: 'CI' })).status, 409, 'names are unique per user');
    assert.equal((await admin.request('POST', '/api/v2/api-tokens', { name: 'old', expiresAt: '2020-01-01T00:00:00Z' })).status, 400);

    let listed: any;
    for (let i = 0; i < 50; i++) {
      listed = (await admin.ok('GET', '/api/v2/api-tokens')).data.find((t: any) => t.id === created.body.id);
      if (listed.lastUsedAt) break;
      await sleep(50);
    }
    assert.deepEqual(Object.keys(listed).sort(), ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name']);
    assert.ok(listed.lastUsedAt, 'last use is recorded');

    const other = await member('token-owner@example.com', 'ANALYST');
    const theirs = await other.api.ok('POST', '/api/v2/api-tokens', { name: 'mine' });
    assert.equal((await admin.request('DELETE', `/api/v2/api-tokens/${theirs.id}`)).status, 404, "another user's token");

    assert.equal((await admin.request('DELETE', `/api/v2/api-tokens/${created.body.id}`)).status, 200);
    const revoked = await viaToken.request('GET', '/api/v1/client/list');
    const unknown = await admin.request('GET', '/api/v1/client/list', undefined, { authorization: `pa_${'x'.repeat(43)}` });
    assert.equal(revoked.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(revoked.body.message, unknown.body.message);
    assert.equal((await admin.ok('GET', '/api/v2/api-tokens')).data.some((t: any) => t.id === created.body.id), false);
    assert.equal((await other.api.request('GET', '/api/v1/client/list', undefined, { authorization: theirs.token })).status, 200);
  });

  test('an API token with an expiry stops working when it expires', async () => {
    const created = await admin.ok('POST', '/api/v2/api-tokens', { name: 'short', expiresAt: new Date(Date.now() + 1500).toISOString() });
    assert.equal((await admin.request('GET', '/api/v1/client/list', undefined, { authorization: created.token })).status, 200);
    await sleep(1700);
    assert.equal((await admin.request('GET', '/api/v1/client/list', undefined, { authorization: created.token })).status, 401);
  });
});
