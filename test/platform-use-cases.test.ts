/**
 * Spec 2's use cases over real HTTP against a real `intake serve` (and its worker), one test per
 * use case following its numbered steps: a session token without MFA, the list of tenant users,
 * images in rich-text fields, copying a finding to a
 * WriteupsDB repository, reusing an assessment; plus findings CRUD and parser actions applied by
 * an import with `useParserActions: true`.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { ApiClient } from './helpers/api-client.js';
import { SAMPLE_NESSUS } from '../src/parsers/nessus/fixtures/sample-nessus.js';

const IMAGE_MAX_BYTES = 64 * 1024;
/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('platform API use cases (spec 2)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let intake: IntakeProcess;
  let admin: ApiClient;
  let tenantId: number;
  /** The admin of a second tenant. */
  let other: ApiClient;
  /** A READ_ONLY user of the admin's tenant. */
  let reader: ApiClient;

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-platform-'));
    intake = await startIntake({ DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir, INTAKE_IMAGE_MAX_BYTES: String(IMAGE_MAX_BYTES) });
    admin = intake.admin;
    tenantId = (await admin.ok('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' })).tenant_id;

    const beta = await admin.ok('POST', '/api/v2/tenants', { name: 'Beta', admin: { email: 'beta@example.com', name: 'Beta' } });
    other = new ApiClient(intake.baseUrl);
    await other.login('beta@example.com', beta.password);
    await admin.ok('POST', `/api/v2/tenants/${tenantId}/users`, { email: 'reader@example.com', role: 'READ_ONLY', password: 'Reader-Passw0rd-1' });
    reader = new ApiClient(intake.baseUrl);
    await reader.login('reader@example.com', 'Reader-Passw0rd-1');
  });

  after(async () => {
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function imageForm(bytes: Buffer | string, fileName: string, type: string): FormData {
    const form = new FormData();
    // PlexTrac's UI sends this field before the file; it is read and ignored.
    form.append('setScope', '["tenant_admin_0"]');
    form.append('file', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type }), fileName);
    return form;
  }

  async function flawsByToolId(api: ApiClient, clientId: number, reportId: number): Promise<Map<string, any>> {
    const rows = await api.ok<any[]>('GET', `/api/v1/client/${clientId}/report/${reportId}/flaws`);
    const out = new Map<string, any>();
    for (const row of rows) {
      const flaw = await api.ok('GET', `/api/v1/client/${clientId}/report/${reportId}/flaw/${row.data[0]}`);
      out.set(flaw.source_id, flaw);
    }
    return out;
  }

  test('Generating Session Token Without MFA: authenticate, read tenant_id, cookie and token, use the token as Bearer for 15 minutes', async () => {
    // 1. POST Authentication with the user name and password.
    const before = Date.now();
    const res = await fetch(`${intake.baseUrl}/api/v1/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin@example.com', password: 'Test-Passw0rd!' }),
    });
    assert.equal(res.status, 200);
    // 2. The tenant_id, cookie and token values are returned (and no MFA step is asked for).
    const body = await res.json();
    assert.equal(body.status, 'success');
    assert.equal(body.tenant_id, tenantId);
    assert.equal(typeof body.cookie, 'string');
    assert.ok(body.cookie.length > 0);
    assert.equal(body.mfa_enabled, undefined);
    // 3. The session token from the body; it is good for 15 minutes.
    const token: string = body.token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.exp - claims.iat, 15 * 60);
    const expiresIn = Date.parse(body.expires_at) - before;
    assert.ok(expiresIn > 14 * 60_000 && expiresIn <= 15 * 60_000 + 2000, `expires_at ${body.expires_at}`);
    // 4. The token as the Bearer token of other endpoints.
    const clients = await fetch(`${intake.baseUrl}/api/v1/client/list`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(clients.status, 200);
    assert.ok(Array.isArray(await clients.json()));
  });

  test('Retrieving List of Tenant Users: GET /api/v2/tenants/{tenantId}/users with the session token', async () => {
    const login = await (await fetch(`${intake.baseUrl}/api/v1/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin@example.com', password: 'Test-Passw0rd!' }),
    })).json();
    // 1. GET Tenant Users with the instance URL and the tenant id the login answered.
    const res = await fetch(`${intake.baseUrl}/api/v2/tenants/${login.tenant_id}/users`, { headers: { authorization: `Bearer ${login.token}` } });
    assert.equal(res.status, 200);
    const users = await res.json();
    assert.equal(users.status, 'success');
    const byEmail = new Map<string, any>(users.data.map((u: any) => [u.email, u]));
    assert.deepEqual([...byEmail.keys()].sort(), ['admin@example.com', 'reader@example.com'], "all of the tenant's users, and only them");
    const reader = byEmail.get('reader@example.com');
    assert.equal(reader.role, 'READ_ONLY');
    assert.equal(reader.tenantId, login.tenant_id);
    assert.equal(reader.isActive, true);
    assert.deepEqual(reader.mfa, { enabled: false });
    assert.equal(typeof reader.fullName, 'string');
    assert.equal(users.meta.pagination.total, 2);
    // Another tenant's id reads as one that does not exist.
    const foreign = await fetch(`${intake.baseUrl}/api/v2/tenants/${login.tenant_id}/users`, { headers: { authorization: other.token! } });
    assert.equal(foreign.status, 404);
  });

  test('Adding Images to CKEditor Fields: upload, put <img> in a finding, and it renders for the tenant only', async () => {
    const { clientId, reportId } = await admin.createClientAndReport('Images');

    // 1. Add the image to the instance with POST Upload Image to Tenant. The name says .txt and
    //    the declared type is wrong: the extension comes from the bytes.
    const uploaded = await admin.request('POST', '/api/v1/uploads', imageForm(PNG, 'screenshot.txt', 'text/plain'));
    assert.equal(uploaded.status, 200, uploaded.text);
    // 2. The fileUrl value is in the response, with the extension of what the file is.
    assert.equal(uploaded.body.status, 'success');
    assert.match(uploaded.body.fileUrl, new RegExp(`^uploads/${UUID}\\.png$`));
    // 3. The HTML tag.
    const img = `<img src="/api/v1/${uploaded.body.fileUrl}" />`;
    // 4–5. A finding whose description holds it, sent to POST Create Finding.
    const created = await admin.request('POST', `/api/v1/client/${clientId}/report/${reportId}/flaw/create`, {
      title: 'Exposed admin console',
      severity: 'High',
      status: 'Open',
      description: `<p>Login page:</p>${img}<img src="https://tracker.example/pixel.gif"><script>alert(1)</script>`,
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.status, 'success');
    assert.equal(typeof created.body.flaw_id, 'number');
    const flaw = await admin.ok('GET', `/api/v1/client/${clientId}/report/${reportId}/flaw/${created.body.flaw_id}`);
    assert.equal(flaw.description, `<p>Login page:</p>${img}`, 'the uploaded image is kept; the remote one and the script are not');

    // The browser rendering it sends only the session cookie the login set.
    const login = await fetch(`${intake.baseUrl}/api/v1/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin@example.com', password: 'Test-Passw0rd!' }),
    });
    const setCookie = login.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^token=[^;]+; .*Path=\/api\/v1\/uploads/);
    assert.match(setCookie, /HttpOnly/);
    const cookie = setCookie.split(';')[0]!;
    const url = `${intake.baseUrl}/api/v1/${uploaded.body.fileUrl}`;
    const byCookie = await fetch(url, { headers: { cookie } });
    assert.equal(byCookie.status, 200);
    assert.equal(byCookie.headers.get('content-type'), 'image/png');
    assert.equal(byCookie.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await byCookie.arrayBuffer()), PNG);
    const byHeader = await fetch(url, { headers: { authorization: admin.token! } });
    assert.equal(byHeader.status, 200);
    await byHeader.arrayBuffer();

    assert.equal((await fetch(url)).status, 401, 'no credentials');
    assert.equal((await fetch(url, { headers: { cookie: 'token=not-a-jwt' } })).status, 401);
    const foreign = await fetch(url, { headers: { authorization: other.token! } });
    assert.equal(foreign.status, 404, "another tenant's user cannot tell the file exists");
    assert.equal((await foreign.json()).code, 'UPLOADED_FILE_NOT_FOUND');
    const readable = await fetch(url, { headers: { authorization: reader.token! } });
    assert.equal(readable.status, 200, 'a read-only user of the tenant sees it');
    await readable.arrayBuffer();
    // The cookie is accepted on this GET only.
    const cookieElsewhere = await fetch(`${intake.baseUrl}/api/v1/client/${clientId}`, { headers: { cookie } });
    assert.equal(cookieElsewhere.status, 401);
  });

  test('uploads: SVG and other non-images are byte streams; oversize, missing file and read-only are refused', async () => {
    // The spec's note: without an extension the file was read as a byte stream. SVG can carry
    // script, so it is never served as an image.
    const svg = await admin.ok('POST', '/api/v1/uploads', imageForm(SVG, 'logo.svg', 'image/svg+xml'));
    assert.match(svg.fileUrl, new RegExp(`^uploads/${UUID}$`));
    const res = await fetch(`${intake.baseUrl}/api/v1/${svg.fileUrl}`, { headers: { authorization: admin.token! } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await res.text(), SVG);

    const before = await listUploads();
    const big = await admin.request('POST', '/api/v1/uploads', imageForm(Buffer.concat([PNG, Buffer.alloc(IMAGE_MAX_BYTES)]), 'big.png', 'image/png'));
    assert.equal(big.status, 413, big.text);
    assert.equal(big.body.code, 'OBJECT_TOO_LARGE');
    assert.deepEqual(await listUploads(), before, 'nothing is kept of a refused upload');

    const form = new FormData();
    form.append('setScope', 'x');
    const missing = await admin.request('POST', '/api/v1/uploads', form);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, 'FILE_MISSING');
    const readOnly = await reader.request('POST', '/api/v1/uploads', imageForm(PNG, 'a.png', 'image/png'));
    assert.equal(readOnly.status, 403);
    assert.equal(readOnly.body.code, 'FORBIDDEN_ROLE');
    assert.equal((await fetch(`${intake.baseUrl}/api/v1/uploads/..%2F..%2Fetc%2Fpasswd`, { headers: { authorization: admin.token! } })).status, 404);
  });

  async function listUploads(): Promise<string[]> {
    return (await readdir(join(dataDir, 'objects', 'uploads')).catch(() => [] as string[])).sort();
  }

  test('findings: create, read, update by GET-modify-PUT, delete; manual titles are unique; tenants and roles hold', async () => {
    const { clientId, reportId } = await admin.createClientAndReport('Findings');
    const base = `/api/v1/client/${clientId}/report/${reportId}`;
    const missing = await admin.request('POST', `${base}/flaw/create`, { title: 'No description', severity: 'Low', status: 'Open' });
    assert.equal(missing.status, 400);
    const badSeverity = await admin.request('POST', `${base}/flaw/create`, { title: 'x', severity: 'Severe', status: 'Open', description: 'd' });
    assert.equal(badSeverity.status, 400);
    assert.match(badSeverity.body.message, /severity must be one of Critical, High, Medium, Low, Informational; found "Severe"/);

    const { flaw_id: id } = await admin.ok('POST', `${base}/flaw/create`, {
      title: 'Default credentials',
      severity: 'Critical',
      status: 'Open',
      description: '<p>admin/admin works</p>',
      recommendations: 'Change them',
      references: 'https://example.test/creds',
      tags: ['auth'],
      common_identifiers: { CVE: [{ name: 'CVE-2020-0001' }], CWE: [{ name: 'CWE-798' }] },
      fields: { likelihood: { label: 'Likelihood', value: 'High' } },
    });
    const flaw = await admin.ok('GET', `${base}/flaw/${id}`);
    assert.equal(flaw.source, 'manual');
    assert.equal(flaw.title, 'Default credentials');
    assert.equal(flaw.recommendations, 'Change them');
    assert.equal(flaw.references, 'https://example.test/creds');
    assert.deepEqual(flaw.tags, ['auth']);
    assert.deepEqual(flaw.common_identifiers.CVE.map((c: any) => c.name), ['CVE-2020-0001']);
    assert.deepEqual(flaw.common_identifiers.CWE.map((c: any) => c.name), ['CWE-798']);
    assert.deepEqual(flaw.fields.likelihood, { label: 'Likelihood', value: 'High' });
    const row = (await admin.ok<any[]>('GET', `${base}/flaws`)).find((r) => r.data[0] === id);
    assert.deepEqual(row.data.slice(0, 4), [id, 'Critical', 'Default credentials', 'Open']);

    const clash = await admin.request('POST', `${base}/flaw/create`, { title: '  default   CREDENTIALS ', severity: 'Low', status: 'Open', description: 'again' });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.code, 'FINDING_EXISTS');

    // As PlexTrac clients do: GET, modify, PUT the whole object back.
    const changed = { ...flaw, status: 'Closed', severity: 'High', description: '<p>fixed</p><script>x()</script>' };
    const put = await admin.ok('PUT', `${base}/flaw/${id}`, changed);
    assert.deepEqual(put, { status: 'success', message: 'Flaw updated', flaw_id: id });
    const after = await admin.ok('GET', `${base}/flaw/${id}`);
    assert.equal(after.status, 'Closed');
    assert.equal(after.severity, 'High');
    assert.equal(after.description, '<p>fixed</p>');
    assert.equal(after.recommendations, 'Change them', 'what was sent back unchanged stays');
    const renamed = await admin.ok('POST', `${base}/flaw/create`, { title: 'Second', severity: 'Low', status: 'Open', description: 'd' });
    const renameClash = await admin.request('PUT', `${base}/flaw/${renamed.flaw_id}`, { title: 'Default Credentials' });
    assert.equal(renameClash.status, 409);

    // Another tenant cannot see or touch it; a reader cannot change it.
    assert.equal((await other.request('GET', `${base}/flaw/${id}`)).status, 404);
    assert.equal((await other.request('PUT', `${base}/flaw/${id}`, { status: 'Open' })).status, 404);
    assert.equal((await other.request('DELETE', `${base}/flaw/${id}`)).status, 404);
    assert.equal((await reader.request('GET', `${base}/flaw/${id}`)).status, 200);
    for (const [method, path, body] of [
      ['POST', `${base}/flaw/create`, { title: 'r', severity: 'Low', status: 'Open', description: 'd' }],
      ['PUT', `${base}/flaw/${id}`, { status: 'Open' }],
      ['DELETE', `${base}/flaw/${id}`, undefined],
    ] as const) {
      const refused = await reader.request(method, path, body);
      assert.equal(refused.status, 403, `${method} ${path} by a reader`);
    }

    assert.deepEqual(await admin.ok('DELETE', `${base}/flaw/${id}`), { status: 'success', message: 'Flaw deleted', flaw_id: id });
    assert.equal((await admin.request('GET', `${base}/flaw/${id}`)).status, 404);
    assert.equal((await admin.request('DELETE', `${base}/flaw/${id}`)).status, 404);
  });

  test('Copying a Finding from a Report to a WriteupsDB repository', async () => {
    const { clientId, reportId } = await admin.createClientAndReport('Writeups');
    const imported = await admin.importBytes({ clientId, reportId }, 'nessus', 'sample.nessus', SAMPLE_NESSUS);
    assert.equal((await admin.waitForImport(imported.operationId)).status, 'IMPORT COMPLETE');
    const findingId = (await flawsByToolId(admin, clientId, reportId)).get('10001').flaw_id;

    // 1. GET the finding JSON.
    const finding = await admin.ok('GET', `/api/v1/client/${clientId}/report/${reportId}/flaw/${findingId}`);
    // 2. The repository and its CUID.
    const repo = await admin.ok('POST', '/api/v2/repositories/add', { name: 'Network', description: 'Network findings' });
    assert.match(repo.repositoryId, /^c[0-9a-z]{24}$/);
    // 3. The finding JSON as the payload of POST /api/v1/template/create.
    const created = await admin.ok('POST', '/api/v1/template/create', { ...finding, repositoryId: repo.repositoryId });
    assert.equal(created.status, 'success');
    assert.equal(created.repositoryId, repo.repositoryId);
    const writeup = await admin.ok('GET', `/api/v1/template/${created.doc_id}`);
    assert.equal(writeup.id, `template_${created.doc_id}`);
    assert.equal(writeup.doc_type, 'template');
    assert.equal(writeup.repositoryId, repo.repositoryId);
    for (const member of ['title', 'severity', 'description', 'recommendations', 'references', 'tags', 'common_identifiers'] as const) {
      assert.deepEqual(writeup[member], finding[member], member);
    }
    assert.ok(writeup.description.includes('Weak ciphers'), 'the finding text was copied');
    assert.equal(writeup.affected_assets, undefined, 'a writeup has no affected assets');
    assert.deepEqual(await admin.ok('GET', `/api/v1/template/${writeup.id}`), writeup, 'named by number or template_<n>');

    const repos = await admin.ok('POST', '/api/v2/repositories/getAllWriteupsRepositories', {});
    assert.equal(repos.data.find((r: any) => r.repositoryId === repo.repositoryId).writeupsCount, 1);
    const inRepo = await admin.ok('POST', `/api/v2/repositories/${repo.repositoryId}/getWriteups`, {});
    assert.deepEqual(inRepo.data.map((w: any) => w.doc_id), [created.doc_id]);

    // The deprecated route still works, marked like importAsync.
    const old = await admin.request('POST', '/api/v2/repositories/copyFlawToWriteupsRepository', { ...finding, repositoryID: repo.repositoryId });
    assert.equal(old.status, 200, old.text);
    assert.match(old.headers.get('deprecation') ?? '', /^@\d+$/);
    assert.match(old.headers.get('sunset') ?? '', /GMT$/);
    assert.equal(old.headers.get('link'), '</api/v1/template/create>; rel="successor-version"');
    assert.equal((await admin.ok('GET', `/api/v1/template/${old.body.doc_id}`)).title, finding.title);

    // Without a repository, or with another tenant's, nothing is created.
    const noRepo = await admin.request('POST', '/api/v1/template/create', finding);
    assert.equal(noRepo.status, 400);
    assert.match(noRepo.body.message, /repositoryId/);
    const theirs = await other.ok('POST', '/api/v2/repositories/add', { name: 'Theirs' });
    assert.equal((await admin.request('POST', '/api/v1/template/create', { ...finding, repositoryId: theirs.repositoryId })).status, 404);
    assert.equal((await other.request('GET', `/api/v1/template/${created.doc_id}`)).status, 404);
    assert.equal((await reader.request('POST', '/api/v1/template/create', { ...finding, repositoryId: repo.repositoryId })).status, 403);
  });

  test('Reusing an Assessment: a completed assessment becomes an In Process one for another client', async () => {
    const first = await admin.ok('POST', '/api/v1/client/create', { name: 'Assessed Co' });
    const second = await admin.ok('POST', '/api/v1/client/create', { name: 'Next Co' });
    const questionnaire = await admin.ok('POST', '/api/v2/assessments/questionnaires', {
      assessment_title: 'CIS Control 6: Access Control',
      framework_id: 'cis',
      questions: [{ title: 'MFA', text: 'Is MFA enforced for remote access?' }],
    });
    const added = await admin.ok('POST', `/api/v2/assessments/questionnaires/${questionnaire.questionnaire_id}/questions`, { title: 'Reviews', text: 'Are access rights reviewed yearly?' });
    const questions = (await admin.ok('GET', `/api/v2/assessments/questionnaires/${questionnaire.questionnaire_id}`)).questions;
    assert.deepEqual(questions.map((q: any) => q.title), ['MFA', 'Reviews']);
    assert.equal(questions[1].qid, added.question.qid);

    // The existing completed assessment.
    const done = await admin.ok('POST', `/api/v1/tenant/${tenantId}/client/${first.client_id}/assessment`, {
      questionnaire_id: questionnaire.questionnaire_id,
      saveOnly: false,
      answers: questions.map((q: any) => ({ qid: q.qid, answer: [{ key: 'yes', value: 'Yes' }], note: `checked ${q.title}` })),
    });
    assert.match(done.doc_id, new RegExp(`^assessment_${done.assess_id}_tenant_${tenantId}_client_${first.client_id}$`));

    // 1–2. GET Client Assessment on the completed assessment.
    const completed = await admin.ok('GET', `/api/v1/client/${first.client_id}/assessment/${done.assess_id}`);
    assert.equal(completed.saveOnly, false);
    assert.equal(typeof completed.completed_at, 'number');
    assert.deepEqual(await admin.ok('GET', `/api/v1/tenant/${tenantId}/client/${first.client_id}/assessment/${done.assess_id}`), completed);
    for (const member of ['tenant_id', 'client_id', 'assess_id', 'completed_at', 'saveOnly', 'questions', 'answers']) assert.ok(member in completed, member);
    assert.equal(completed.answers.length, 2);
    assert.ok(completed.answers.every((a: any) => 'note' in a));

    // 3. Strip the ids and completion, set saveOnly.
    const reuse = structuredClone(completed);
    for (const member of ['tenant_id', 'client_id', 'assess_id', 'completed_at']) delete reuse[member];
    reuse.saveOnly = true;
    // An empty note is refused, naming the answer.
    reuse.answers[1].note = '';
    const refused = await admin.request('POST', `/api/v1/tenant/${tenantId}/client/${second.client_id}/assessment`, reuse);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'ASSESSMENT_ANSWER_INVALID');
    assert.match(refused.body.message, new RegExp(`answers\\[1\\] \\(qid "${questions[1].qid}", "Reviews"\\): note must be a non-empty string; found ""`));
    // 4. Every answer's note a non-empty string.
    for (const answer of reuse.answers) answer.note = `carried over: ${answer.note || 'to review'}`;
    // 5. POST Create Client Assessment for the other client.
    const created = await admin.ok('POST', `/api/v1/tenant/${tenantId}/client/${second.client_id}/assessment`, reuse);
    const reused = await admin.ok('GET', `/api/v1/client/${second.client_id}/assessment/${created.assess_id}`);
    assert.equal(reused.client_id, second.client_id);
    assert.equal(reused.status, 'In Process');
    assert.equal(reused.saveOnly, true);
    assert.equal('completed_at' in reused, false);
    assert.deepEqual(reused.answers.map((a: any) => [a.qid, a.answer, a.note]), reuse.answers.map((a: any) => [a.qid, a.answer, a.note]));
    assert.equal((await admin.ok('GET', `/api/v1/client/${first.client_id}/assessment/${done.assess_id}`)).completed_at, completed.completed_at, 'the original is untouched');
    const listed = await admin.ok<any[]>('GET', `/api/v1/tenant/${tenantId}/client/${second.client_id}/assessments`);
    assert.deepEqual(listed.map((a) => a.assess_id), [created.assess_id]);

    // Completing it later; a completed one no longer changes.
    const complete = await admin.ok('PUT', `/api/v1/tenant/${tenantId}/client/${second.client_id}/assessment/${created.assess_id}`, { ...reused, saveOnly: false });
    assert.equal(typeof complete.data.completed_at, 'number');
    assert.equal((await admin.request('PUT', `/api/v1/tenant/${tenantId}/client/${second.client_id}/assessment/${created.assess_id}`, { saveOnly: true })).status, 409);

    // Tenants and roles.
    assert.equal((await admin.request('POST', `/api/v1/tenant/${tenantId + 1000}/client/${second.client_id}/assessment`, reuse)).status, 404);
    assert.equal((await other.request('GET', `/api/v1/client/${first.client_id}/assessment/${done.assess_id}`)).status, 404);
    assert.equal((await reader.request('POST', `/api/v1/tenant/${tenantId}/client/${second.client_id}/assessment`, reuse)).status, 403);
    assert.equal((await reader.request('GET', `/api/v1/client/${first.client_id}/assessment/${done.assess_id}`)).status, 200);
  });

  test('parser actions: recorded per tool id by imports; useParserActions applies IGNORE, LINK and a severity override', async () => {
    const target = await admin.createClientAndReport('Parser actions');
    const plain = await admin.importBytes(target, 'nessus', 'first.nessus', SAMPLE_NESSUS);
    assert.equal((await admin.waitForImport(plain.operationId)).status, 'IMPORT COMPLETE');

    const listed = await admin.ok('GET', '/api/v2/parser-actions?source=nessus&limit=100');
    assert.deepEqual(listed.data.map((a: any) => a.toolId).sort(), ['10001', '10002', '10003', '10004', '19506']);
    assert.ok(listed.data.every((a: any) => a.action === 'DEFAULT' && a.severity === null));
    assert.equal(listed.meta.pagination.total, 5);
    const page = await admin.ok('GET', '/api/v2/parser-actions?source=nessus&limit=2&offset=2');
    assert.equal(page.data.length, 2);
    assert.equal(page.meta.pagination.total, 5);
    assert.equal((await other.ok('GET', '/api/v2/parser-actions?source=nessus')).meta.pagination.total, 0, 'per tenant');
    const action = (toolId: string) => listed.data.find((a: any) => a.toolId === toolId);
    assert.equal(action('10001').originalSeverity, 'High');

    const repo = await admin.ok('POST', '/api/v2/repositories/add', { name: 'Curated' });
    const writeup = await admin.ok('POST', '/api/v1/template/create', {
      repositoryId: repo.repositoryId,
      title: 'Weak TLS configuration',
      severity: 'Medium',
      description: '<p>Our curated description.</p>',
      recommendations: '<p>Our curated fix.</p>',
    });
    await admin.ok('PUT', `/api/v2/parser-actions/${action('10003').id}`, { action: 'IGNORE' });
    const linked = await admin.ok('PUT', `/api/v2/parser-actions/${action('10001').id}`, { action: 'LINK', writeupId: writeup.id });
    assert.equal(linked.data.writeupLabel, 'Weak TLS configuration');
    // PlexTrac's own route for the same change: parser id and plugin id.
    const viaPlex = await admin.ok('PUT', `/api/v1/tenant/${tenantId}/actions/nessus/action/10004`, { action: 'DEFAULT', severity: 'Critical' });
    assert.equal(viaPlex.action.severity, 'Critical');

    const badLink = await admin.request('PUT', `/api/v2/parser-actions/${action('10002').id}`, { action: 'LINK' });
    assert.equal(badLink.status, 400);
    assert.equal(badLink.body.code, 'PARSER_ACTION_INVALID');
    assert.equal((await admin.request('PUT', `/api/v2/parser-actions/${action('10002').id}`, { action: 'DELETE' })).status, 400);
    assert.equal((await other.request('PUT', `/api/v2/parser-actions/${action('10002').id}`, { action: 'IGNORE' })).status, 404);
    assert.equal((await reader.request('PUT', `/api/v2/parser-actions/${action('10002').id}`, { action: 'IGNORE' })).status, 403);
    assert.equal((await admin.request('GET', `/api/v1/tenant/${tenantId + 1000}/actions/nessus`)).status, 404);

    const plexList = await admin.ok('GET', `/api/v1/tenant/${tenantId}/actions/nessus?limit=10&skip=0&type=LINK`);
    assert.equal(plexList.actions.total_items, 1);
    assert.deepEqual(
      { id: plexList.actions.actions[0].id, action: plexList.actions.actions[0].action, writeupID: plexList.actions.actions[0].writeupID },
      { id: '10001', action: 'LINK', writeupID: String(writeup.doc_id) },
    );

    // An import that asks for parser actions applies them.
    const withActions = await admin.createClientAndReport('With actions');
    const applied = await admin.importBytes(withActions, 'nessus', 'second.nessus', SAMPLE_NESSUS, undefined, { useParserActions: true });
    const job = await admin.waitForImport(applied.operationId);
    assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
    // 10003 (one link, one evidence) is ignored: the sample's 5/3/5/4 become 4/3/4/3.
    assert.deepEqual(
      [job.processed_findings, job.processed_assets, job.processed_finding_assets, job.processed_evidence],
      [4, 3, 4, 3],
    );
    const flaws = await flawsByToolId(admin, withActions.clientId, withActions.reportId);
    assert.deepEqual([...flaws.keys()].sort(), ['10001', '10002', '10004', '19506']);
    const linkedFlaw = flaws.get('10001');
    assert.equal(linkedFlaw.title, 'Weak TLS configuration');
    assert.equal(linkedFlaw.description, '<p>Our curated description.</p>');
    assert.equal(linkedFlaw.recommendations, '<p>Our curated fix.</p>');
    assert.equal(linkedFlaw.severity, 'High', 'LINK without a severity keeps the tool severity');
    assert.equal(Object.values<any>(linkedFlaw.affected_assets)[0].evidence.length, 3, 'a linked finding keeps its assets and evidence');
    assert.equal(flaws.get('10004').severity, 'Critical');
    assert.equal(flaws.get('10002').severity, 'Critical');
    assert.equal(flaws.get('10002').title, 'SSH server critical flaw');

    // Without useParserActions the same file imports as the tool wrote it.
    const plainAgain = await admin.createClientAndReport('Without actions');
    const again = await admin.waitForImport((await admin.importBytes(plainAgain, 'nessus', 'third.nessus', SAMPLE_NESSUS)).operationId);
    assert.deepEqual([again.processed_findings, again.processed_finding_assets, again.processed_evidence], [5, 5, 4]);
    const untouched = await flawsByToolId(admin, plainAgain.clientId, plainAgain.reportId);
    assert.equal(untouched.get('10001').title, 'Weak TLS ciphers – résumé');
    assert.equal(untouched.get('10004').severity, 'Medium');
    assert.equal((await admin.ok('GET', '/api/v2/parser-actions?source=nessus')).meta.pagination.total, 5, 'no duplicate rows');

    // A deleted writeup leaves its LINK acting as DEFAULT.
    await admin.ok('DELETE', `/api/v1/template/${writeup.id}`);
    const orphan = await admin.ok('GET', `/api/v2/parser-actions/${action('10001').id}`);
    assert.deepEqual([orphan.data.action, orphan.data.writeupId], ['LINK', null]);
    const afterDelete = await admin.createClientAndReport('After delete');
    await admin.waitForImport((await admin.importBytes(afterDelete, 'nessus', 'fourth.nessus', SAMPLE_NESSUS, undefined, { useParserActions: true })).operationId);
    assert.equal((await flawsByToolId(admin, afterDelete.clientId, afterDelete.reportId)).get('10001').title, 'Weak TLS ciphers – résumé');
  });
});
