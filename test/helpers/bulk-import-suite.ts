/**
 * Spec 4, bulk object imports, end to end over real HTTP against a real `intake serve` and its
 * real worker processes. Run once per deployment mode by the bulk.*.test.ts files.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from './api-client.js';
import type { IntakeProcess } from './intake-process.js';
import { sleep } from './ports.js';
import { query } from './database.js';

export interface BulkSuiteContext {
  intake: IntakeProcess;
  tenantId: number;
  /** The database `intake` uses: tests change what it stored (the age of an Idempotency-Key). */
  databaseUrl: string;
  /** A non-admin user of the same tenant, logged in, when the mode can create one. */
  colleague?: ApiClient;
}

export interface BulkSuiteOptions {
  setup: () => Promise<BulkSuiteContext>;
  teardown: () => Promise<void>;
  hasColleague: boolean;
  modeTests?: (context: () => BulkSuiteContext) => void;
}

/** Polls a request until it is Completed or Failed. */
export async function waitForRequest(api: ApiClient, requestId: string, timeoutMs = 60_000): Promise<any> {
  const started = Date.now();
  for (;;) {
    const res = await api.request('GET', `/api/v1/request/${requestId}`);
    assert.equal(res.status, 200, res.text);
    if (res.body.status === 'Completed' || res.body.status === 'Failed') return res.body;
    assert.ok(res.headers.get('retry-after'), 'an unfinished request carries Retry-After');
    if (Date.now() - started > timeoutMs) throw new Error(`request ${requestId} did not finish: ${res.text}`);
    await sleep(100);
  }
}

/** Splits the report into rows of cells (the report quotes cells with commas, quotes or line breaks). */
/**
 * Starts a bulk import of `objects` as the admin (admin@example.com, as the test processes are
 * started) and waits until some objects are committed but the job is still running: the moment a
 * crash test kills the worker, so that the retry must resume after them.
 */
export async function startBulkJobMidway(api: ApiClient, kind: string, objects: unknown[]): Promise<string> {
  const login = await api.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' });
  const res = await api.request('POST', `/api/v1/idm/${login.body.tenant_id}/${kind}/import`, objects);
  assert.equal(res.status, 200, res.text);
  for (;;) {
    const status = (await api.request('GET', `/api/v1/request/${res.body.requestId}`)).body;
    assert.ok(status.status === 'Pending' || status.status === 'InProgress', `the job ended before the worker could be killed: ${JSON.stringify(status)}`);
    if (status.status === 'InProgress' && status.progress.processed > 0) return res.body.requestId;
    await sleep(10);
  }
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell.replace(/\r$/, '')), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** 1000 clients: every 10th (from the 4th) has a null name, every 10th (from the 8th) repeats the 1st name. */
export function mixedClients(prefix: string): { objects: unknown[]; created: number; failed: number } {
  const objects: unknown[] = [];
  for (let i = 1; i <= 1000; i++) {
    if (i % 10 === 4) objects.push({ name: null, poc: 'x' });
    else if (i % 10 === 8) objects.push({ name: `${prefix} 1` });
    else objects.push({ name: `${prefix} ${i}`, tags: ['bulk'] });
  }
  return { objects, created: 800, failed: 200 };
}

export function defineBulkImportSuite(name: string, options: BulkSuiteOptions): void {
  describe(name, () => {
    let ctx: BulkSuiteContext;
    let api: ApiClient;
    before(async () => {
      ctx = await options.setup();
      api = ctx.intake.admin;
    });
    after(options.teardown);
    const start = (kind: string, body: unknown, headers: Record<string, string> = {}) =>
      api.request('POST', `/api/v1/idm/${ctx.tenantId}/${kind}/import`, body, headers);

    test('1000 clients with a known mix of valid and invalid objects: exact summary and a CSV row per input', async () => {
      const { objects, created, failed } = mixedClients('Bulk Co');
      const res = await start('clients', objects);
      assert.equal(res.status, 200, res.text);
      assert.match(res.body.requestId, /^import-[0-9a-f-]{36}$/);
      const done = await waitForRequest(api, res.body.requestId);
      assert.equal(done.status, 'Completed', JSON.stringify(done));
      assert.deepEqual(done.result.summary, { total: 1000, created, failed });

      const report = await fetch(done.result.reportUrl);
      assert.equal(report.status, 200);
      const rows = parseCsv(await report.text());
      assert.deepEqual(rows[0], ['inputIndex', 'status', 'objectId', 'failureReason', 'inputPreview']);
      assert.equal(rows.length, 1001);
      assert.deepEqual(rows[4]!.slice(0, 4), ['4', 'failed', '', "The 'name' field cannot be null."]);
      assert.equal(rows[8]![1], 'failed');
      assert.match(rows[8]![3]!, /^A client named 'Bulk Co 1' already exists \(client \d+\)\.$/);
      assert.equal(rows[1]![1], 'created');
      assert.match(rows[1]![2]!, /^\d+$/);
      assert.equal(rows[1]![4], '{"name":"Bulk Co 1","tags":["bulk"]}');
      assert.equal(rows.slice(1).filter((r) => r[1] === 'created').length, created);
      const names = (await api.ok<any[]>('GET', '/api/v1/client/list')).map((c) => c.data[1]).filter((n: string) => n.startsWith('Bulk Co '));
      assert.equal(names.length, created);
      assert.equal(new Set(names).size, created, 'no client was created twice');
    });

    test('assets, findings and users kinds create what they say, and report each failure precisely', async () => {
      const { clientId, reportId } = await api.createClientAndReport('Bulk kinds');
      const assets = await waitForRequest(api, (await start('assets', [
        { clientId, asset: 'web01.example.test', tags: ['dmz'] },
        { clientId, asset: 'WEB01.example.test ' },
        { clientId: 999999, asset: 'x' },
        { asset: 'no client' },
        'not an object',
      ])).body.requestId);
      assert.deepEqual(assets.result.summary, { total: 5, created: 1, failed: 4 });
      const assetRows = parseCsv(await (await fetch(assets.result.reportUrl)).text());
      assert.match(assetRows[2]![3]!, /already exists/);
      assert.match(assetRows[3]![3]!, /client 999999, which does not exist/);
      assert.equal(assetRows[4]![3], "The 'clientId' field is required.");
      assert.equal(assetRows[5]![3], 'The object must be a JSON object; found a string.');

      const findings = await waitForRequest(api, (await start('findings', [
        { clientId, reportId, title: 'Open redirect', severity: 'medium', description: '<p onclick="x()">Redirects</p>', affectedAssets: ['web01.example.test'] },
        { clientId, reportId, title: 'Open  Redirect', severity: 'High' },
        { clientId, reportId, title: 'Bad severity', severity: 'Severe' },
      ])).body.requestId);
      assert.deepEqual(findings.result.summary, { total: 3, created: 1, failed: 2 });
      const flaws = await api.ok<any[]>('GET', `/api/v1/client/${clientId}/report/${reportId}/flaws`);
      assert.equal(flaws.length, 1);
      const flaw = await api.ok('GET', `/api/v1/client/${clientId}/report/${reportId}/flaw/${flaws[0].data[0]}`);
      assert.equal(flaw.severity, 'Medium');
      assert.equal(flaw.description, '<p>Redirects</p>');
      assert.deepEqual(Object.values(flaw.affected_assets).map((a: any) => a.asset), ['web01.example.test']);

      const users = await waitForRequest(api, (await start('users', [
        { email: 'ana@example.com', name: 'Ana', role: 'analyst' },
        { email: 'ANA@example.com' },
        { email: 'not-an-email' },
        { email: 'admin@example.com' },
      ])).body.requestId);
      assert.deepEqual(users.result.summary, { total: 4, created: 1, failed: 3 });
      const userRows = parseCsv(await (await fetch(users.result.reportUrl)).text());
      assert.equal(userRows[2]![3], "A user with the email 'ANA@example.com' already exists.");
      assert.match(userRows[3]![3]!, /must be an email address/);
    });

    test('duplicates of existing objects, and of earlier ones in the request (case aside), fail naming the existing one', async () => {
      const report = async (requestId: string) => {
        const done = await waitForRequest(api, requestId);
        return { summary: done.result.summary, rows: parseCsv(await (await fetch(done.result.reportUrl)).text()).slice(1) };
      };
      const first = await report((await start('clients', [{ name: 'Again Co 1' }, { name: 'Again Co 2' }])).body.requestId);
      const [id1, id2] = first.rows.map((r) => r[2]);
      const second = await report((await start('clients', [{ name: 'again co 2' }, { name: 'Again Co 3' }, { name: 'AGAIN CO 3' }, { name: 'Again Co 1' }, { name: 'Again Co 4' }])).body.requestId);
      assert.deepEqual(second.summary, { total: 5, created: 2, failed: 3 });
      const id3 = second.rows[1]![2]!;
      assert.deepEqual(second.rows.map((r) => r.slice(0, 4)), [
        ['1', 'failed', '', `A client named 'again co 2' already exists (client ${id2}).`],
        ['2', 'created', id3, ''],
        ['3', 'failed', '', `A client named 'AGAIN CO 3' already exists (client ${id3}).`],
        ['4', 'failed', '', `A client named 'Again Co 1' already exists (client ${id1}).`],
        ['5', 'created', second.rows[4]![2], ''],
      ]);
      assert.ok(Number(second.rows[4]![2]) > Number(id3), 'objects are created in input order');

      const { clientId, reportId } = await api.createClientAndReport('Again findings');
      const findings = [
        { clientId, reportId, title: 'Stored XSS', severity: 'High', affectedAssets: ['app.example.test', 'APP.example.test', 'db.example.test'] },
        { clientId, reportId, title: 'Weak TLS', severity: 'Low', affectedAssets: ['app.example.test'] },
      ];
      assert.deepEqual((await report((await start('findings', findings)).body.requestId)).summary, { total: 2, created: 2, failed: 0 });
      const again = await report((await start('findings', [{ ...findings[0], title: 'stored  xss' }, { clientId, reportId, title: 'Clickjacking', severity: 'Low', affectedAssets: ['db.example.test'] }])).body.requestId);
      assert.deepEqual(again.summary, { total: 2, created: 1, failed: 1 });
      assert.equal(again.rows[0]![3], `A finding titled 'stored  xss' already exists in report ${reportId}.`);
      const flaws = await api.ok<any[]>('GET', `/api/v1/client/${clientId}/report/${reportId}/flaws`);
      assert.equal(flaws.length, 3);
      const details = await Promise.all(flaws.map((f) => api.ok('GET', `/api/v1/client/${clientId}/report/${reportId}/flaw/${f.data[0]}`)));
      const assetsOf = async (title: string) => {
        const flaw = details.find((d) => d.title === title);
        assert.ok(flaw, `finding ${title}`);
        return Object.values(flaw.affected_assets).map((a: any) => a.asset).sort();
      };
      assert.deepEqual(await assetsOf('Stored XSS'), ['app.example.test', 'db.example.test'], 'a name repeated in another case is one asset');
      assert.deepEqual(await assetsOf('Weak TLS'), ['app.example.test']);
      assert.deepEqual(await assetsOf('Clickjacking'), ['db.example.test'], 'an existing asset is reused');
    });

    test('bad requests: not an array, empty, 1001 objects, another firm, an unknown kind', async () => {
      const notArray = await start('clients', { name: 'x' });
      assert.equal(notArray.status, 400);
      assert.equal(notArray.body.code, 'BULK_BODY_INVALID');
      assert.match(notArray.body.message, /JSON array of 1 to 1000 objects; found an object/);
      assert.equal((await start('clients', [])).status, 400);
      const tooMany = await start('clients', Array.from({ length: 1001 }, (_, i) => ({ name: `c${i}` })));
      assert.equal(tooMany.status, 413);
      assert.match(tooMany.body.message, /at most 1000 objects per request; found 1001/);
      const otherFirm = await api.request('POST', `/api/v1/idm/${ctx.tenantId + 1000}/clients/import`, [{ name: 'x' }]);
      assert.equal(otherFirm.status, 404);
      const unknownKind = await start('widgets', [{ name: 'x' }]);
      assert.equal(unknownKind.status, 404);
      assert.match(unknownKind.body.message, /clients, assets, findings, users/);
      assert.equal((await api.request('GET', '/api/v1/request/import-00000000-0000-0000-0000-000000000000')).status, 404);
      assert.equal((await api.request('GET', '/api/v1/request/nonsense')).status, 404);
    });

    test('one active job per user: of two racing requests exactly one passes; the other names the active job', async () => {
      const bodies = [mixedClients('Race A').objects, mixedClients('Race B').objects];
      const results = await Promise.all(bodies.map((body) => start('clients', body)));
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 429], results.map((r) => r.text).join(' | '));
      const winner = results.find((r) => r.status === 200)!;
      const loser = results.find((r) => r.status === 429)!;
      assert.equal(loser.body.code, 'BULK_JOB_ACTIVE');
      assert.ok(loser.body.message.includes(winner.body.requestId), loser.body.message);
      assert.ok(loser.headers.get('retry-after'));
      await waitForRequest(api, winner.body.requestId);
      const next = await start('clients', [{ name: 'After the race' }]);
      assert.equal(next.status, 200, 'a new job is accepted once the first has ended');
      await waitForRequest(api, next.body.requestId);
    });

    test('Idempotency-Key: the same key and body return the same request; another body is 422', async () => {
      const body = [{ name: 'Idempotent Co' }];
      const first = await start('clients', body, { 'idempotency-key': 'key-1' });
      assert.equal(first.status, 200);
      const again = await start('clients', body, { 'idempotency-key': 'key-1' });
      assert.equal(again.status, 200);
      assert.equal(again.body.requestId, first.body.requestId);
      const other = await start('clients', [{ name: 'Other Co' }], { 'idempotency-key': 'key-1' });
      assert.equal(other.status, 422);
      assert.equal(other.body.code, 'IDEMPOTENCY_KEY_REUSED');
      const done = await waitForRequest(api, first.body.requestId);
      assert.deepEqual(done.result.summary, { total: 1, created: 1, failed: 0 });
    });

    test('Idempotency-Key: the key names its request for 24 hours; after that the same key starts a new job', async () => {
      const body = [{ name: 'Window Co' }];
      const send = (b: unknown = body) => start('clients', b, { 'idempotency-key': 'window-key' });
      // The window runs from when the key was first used: age the stored key instead of waiting.
      const age = (interval: string) =>
        query(ctx.databaseUrl, `UPDATE idempotency_keys SET created_at = now() - $1::interval WHERE key = 'window-key'`, [interval]);
      const first = await send();
      assert.equal(first.status, 200, first.text);
      await waitForRequest(api, first.body.requestId);

      await age('23 hours 59 minutes');
      const within = await send();
      assert.equal(within.status, 200, within.text);
      assert.equal(within.body.requestId, first.body.requestId, 'within 24 hours: the original request');

      await age('24 hours 1 minute');
      const after = await send();
      assert.equal(after.status, 200, after.text);
      assert.notEqual(after.body.requestId, first.body.requestId, 'after 24 hours: a new job');
      // A real second run of the same body: its one client now exists.
      const second = await waitForRequest(api, after.body.requestId);
      assert.deepEqual(second.result.summary, { total: 1, created: 0, failed: 1 });
      const again = await send();
      assert.equal(again.body.requestId, after.body.requestId, 'the key now names the new request');

      await age('25 hours');
      const otherBody = await send([{ name: 'Window Co 2' }]);
      assert.equal(otherBody.status, 200, `an expired key does not make another body a reuse: ${otherBody.text}`);
      assert.notEqual(otherBody.body.requestId, after.body.requestId);
      assert.deepEqual((await waitForRequest(api, otherBody.body.requestId)).result.summary, { total: 1, created: 1, failed: 0 });
    });

    if (options.hasColleague) {
      test("another user's request is invisible to a non-admin colleague", async () => {
        const res = await start('clients', [{ name: 'Private Co' }]);
        await waitForRequest(api, res.body.requestId);
        const seen = await ctx.colleague!.request('GET', `/api/v1/request/${res.body.requestId}`);
        assert.equal(seen.status, 404);
      });
    }

    options.modeTests?.(() => ctx);
  });
}
