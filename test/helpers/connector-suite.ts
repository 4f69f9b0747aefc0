/**
 * Spec 3, connector file imports, over real HTTP against a real `intake serve` and its workers.
 * Run once per deployment mode by the connectors.*.test.ts files.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiClient } from './api-client.js';
import type { IntakeProcess } from './intake-process.js';
import { sleep } from './ports.js';

export const CSV_ACCOUNTS = 'a1b2c3d4-0000-0000-0000-000000000000';
export const EMPLOYEE_FILE = 'a1b2c3d4-0000-0000-0000-000000000001';
export const PRIVILEGES_FILE = 'a1b2c3d4-0000-0000-0000-000000000002';

export interface ConnectorSuiteOptions {
  setup: () => Promise<IntakeProcess>;
  teardown: () => Promise<void>;
  /** Lists stored object keys, where the mode can (to prove a refused upload stored nothing). */
  listObjects?: () => Promise<string[]>;
  /** Rows of the large-file test. */
  largeRows: number;
}

export function employees(rows: number, prefix = 'e', bad: (i: number) => boolean = () => false): string {
  const lines = ['id,email,display_name,status,department,manager_id'];
  for (let i = 1; i <= rows; i++) lines.push(`${prefix}${i},${bad(i) ? 'not-an-email' : `${prefix}${i}@example.com`},"Person ${i}, Jr.",active,Dept ${i % 7},${prefix}${Math.max(1, i - 1)}`);
  return lines.join('\n') + '\n';
}

export function privileges(rows: number, prefix = 'e'): string {
  const lines = ['account_id,privilege,resource'];
  for (let i = 1; i <= rows; i++) lines.push(`${prefix}${(i % 10) + 1},role-${i},app`);
  lines.push('ghost,admin,app');
  return lines.join('\n') + '\n';
}

export async function upload(api: ApiClient, applicationId: string | undefined, files: Record<string, [string, string]>, via: 'form' | 'query' = 'form') {
  const form = new FormData();
  if (applicationId && via === 'form') form.append('applicationId', applicationId);
  for (const [field, [name, content]] of Object.entries(files)) form.append(field, new Blob([content]), name);
  const query = applicationId && via === 'query' ? `?applicationId=${applicationId}` : '';
  return api.request('POST', `/api/application-imports/upload${query}`, form);
}

export async function waitForBuild(api: ApiClient, id: string, timeoutMs = 120_000): Promise<any> {
  const started = Date.now();
  for (;;) {
    const body = await api.ok('GET', `/api/application-imports/${id}`);
    if (['Finished', 'Failed', 'Canceled'].includes(body.status)) return body;
    if (Date.now() - started > timeoutMs) throw new Error(`import ${id} did not end: ${JSON.stringify(body)}`);
    await sleep(100);
  }
}

export function defineConnectorSuite(name: string, options: ConnectorSuiteOptions): void {
  describe(name, () => {
    let intake: IntakeProcess;
    let api: ApiClient;
    before(async () => {
      intake = await options.setup();
      api = intake.admin;
    });
    after(options.teardown);
    const newApplication = async (appName: string, connectorId = CSV_ACCOUNTS) =>
      (await api.ok('POST', '/api/applications', { name: appName, connectorId })).id as string;

    test("the spec's example: two files keyed by file group GUID → 201 Pending, then Finished with log and metrics", async () => {
      const applicationId = await newApplication('HR system');
      const res = await upload(api, applicationId, { [EMPLOYEE_FILE]: ['employees_20251201.csv', employees(20)], [PRIVILEGES_FILE]: ['privileges_20251201.csv', privileges(15)] });
      assert.equal(res.status, 201, res.text);
      const body = res.body;
      assert.deepEqual(Object.keys(body).sort(), ['buildEnd', 'buildStart', 'createdBy', 'files', 'id', 'kind', 'log', 'metrics', 'number', 'status', 'type']);
      assert.equal(body.kind, 'Application Import');
      assert.equal(body.number, 1);
      assert.equal(body.type, 'API');
      assert.equal(body.status, 'Pending');
      assert.equal(body.createdBy, 'admin@example.com');
      assert.equal(body.buildStart, null);
      assert.equal(body.buildEnd, null);
      assert.equal(body.log, null);
      assert.equal(body.metrics, null);
      assert.deepEqual(body.files.map((f: any) => [f.fileGroupId, f.fileGroup, f.name]), [
        [EMPLOYEE_FILE, 'Employee File', 'employees_20251201.csv'],
        [PRIVILEGES_FILE, 'User Privileges File', 'privileges_20251201.csv'],
      ]);
      const done = await waitForBuild(api, body.id);
      assert.equal(done.status, 'Finished', done.log);
      assert.ok(done.buildStart && done.buildEnd);
      assert.deepEqual({ ...done.metrics, durationMs: 0 }, {
        files: 2, rowsRead: 36, rowsLoaded: 36, rowsRejected: 0, accounts: 20, privileges: 16, privilegesWithUnknownAccount: 1, durationMs: 0,
      });
      assert.match(done.log, /File "employees_20251201.csv" \(Employee File\): 20 rows read, 20 loaded, 0 rejected/);
      const accounts = await api.ok('GET', `/api/applications/${applicationId}/accounts`);
      assert.equal(accounts.totalCount, 20);
      assert.equal(accounts.items[0].display_name, 'Person 1, Jr.');
    });

    test('an API token works as the spec example uses it (Bearer pa_…), and createdBy names the token', async () => {
      const applicationId = await newApplication('Token app');
      const created = await api.request('POST', '/api/v2/api-tokens', { name: 'Automation Service' });
      assert.equal(created.status, 200, created.text);
      assert.match(created.body.token, /^pa_/);
      const { ApiClient } = await import('./api-client.js');
      const automation = new ApiClient(api.baseUrl);
      const res = await upload(automation, applicationId, { [EMPLOYEE_FILE]: ['employees.csv', employees(3)] }).catch(() => null);
      assert.equal(res?.status, 401, 'without the token');
      const form = new FormData();
      form.append('applicationId', applicationId);
      form.append(EMPLOYEE_FILE, new Blob([employees(3)]), 'employees.csv');
      const withToken = await fetch(`${api.baseUrl}/api/application-imports/upload`, { method: 'POST', headers: { authorization: `Bearer ${created.body.token}` }, body: form });
      assert.equal(withToken.status, 201);
      assert.equal((await withToken.json()).createdBy, 'API Token - Automation Service');
      await api.ok('DELETE', `/api/v2/api-tokens/${created.body.id}`);
      const revoked = await fetch(`${api.baseUrl}/api/application-imports`, { headers: { authorization: `Bearer ${created.body.token}` } });
      assert.equal(revoked.status, 401, 'a revoked token is refused');
    });

    test('every validation problem is reported at once in the spec shape, with a logged correlationId, and nothing is stored', async () => {
      const applicationId = await newApplication('Validation app');
      const before = options.listObjects ? await options.listObjects() : [];
      const res = await upload(api, applicationId, {
        'not-a-guid': ['x.csv', employees(2)],
        'f0000000-0000-0000-0000-000000000009': ['y.csv', employees(2)],
        [PRIVILEGES_FILE]: ['empty.csv', ''],
      });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error, 'validation_error');
      assert.equal(res.body.message, 'One or more validation errors occurred');
      assert.match(res.body.correlationId, /^[0-9a-f]{32}$/);
      assert.deepEqual(res.body.errors, [
        { field: 'not-a-guid', message: 'Field name must be a file group ID (GUID)' },
        { field: 'f0000000-0000-0000-0000-000000000009', message: 'Not a file group of connector "CSV Accounts"' },
        { field: PRIVILEGES_FILE, message: 'File must not be empty: empty.csv' },
        { field: EMPLOYEE_FILE, message: 'Required file missing: Employee File' },
      ]);
      await sleep(100);
      assert.ok(intake.log().includes(res.body.correlationId), 'the correlation id is in the server log');
      if (options.listObjects) assert.deepEqual(await options.listObjects(), before);

      const noApp = await upload(api, undefined, { [EMPLOYEE_FILE]: ['e.csv', employees(1)] });
      assert.deepEqual(noApp.body.errors, [{ field: 'applicationId', message: 'applicationId is required (query parameter or form field)' }]);
      const unknownApp = await upload(api, 'b8c1d2e3-4f5a-6b7c-8d9e-0f1a2b3c4d5e', { [EMPLOYEE_FILE]: ['e.csv', employees(1)] });
      assert.deepEqual(unknownApp.body.errors, [{ field: 'applicationId', message: 'Application not found' }]);
      await api.ok('POST', `/api/applications/${applicationId}/archive`);
      const archived = await upload(api, applicationId, { [EMPLOYEE_FILE]: ['e.csv', employees(1)] }, 'query');
      assert.deepEqual(archived.body.errors, [{ field: 'applicationId', message: 'Application is archived' }]);
      const apiConnector = await api.ok('POST', '/api/connectors', { name: 'Directory API', kind: 'api' });
      const apiApp = await newApplication('API app', apiConnector.id);
      const notFile = await upload(api, apiApp, { [EMPLOYEE_FILE]: ['e.csv', employees(1)] });
      assert.match(notFile.body.errors[0].message, /not file-based/);
      const notMultipart = await api.request('POST', '/api/application-imports/upload', { applicationId });
      assert.equal(notMultipart.status, 400);
      assert.equal(notMultipart.body.error, 'validation_error');
    });

    test('bad rows are rejected and logged with their line; a missing required column fails the build and keeps the previous data', async () => {
      const applicationId = await newApplication('Rows app');
      const res = await upload(api, applicationId, { [EMPLOYEE_FILE]: ['emp.csv', employees(30, 'e', (i) => i % 10 === 0)] });
      const done = await waitForBuild(api, res.body.id);
      assert.equal(done.status, 'Finished');
      assert.equal(done.metrics.rowsRejected, 3);
      assert.equal(done.metrics.accounts, 27);
      assert.match(done.log, /rejected emp\.csv line 11: column "email": "not-an-email" is not an email address/);

      const broken = 'id,display_name,status\n1,A,active\n';
      const failed = await waitForBuild(api, (await upload(api, applicationId, { [EMPLOYEE_FILE]: ['broken.csv', broken] })).body.id);
      assert.equal(failed.status, 'Failed');
      assert.match(failed.log, /lacks required column "email"/);
      assert.equal(failed.number, 2);
      assert.equal((await api.ok('GET', `/api/applications/${applicationId}/accounts`)).totalCount, 27, 'the failed build left the data as it was');

      const replaced = await waitForBuild(api, (await upload(api, applicationId, { [EMPLOYEE_FILE]: ['new.csv', employees(5, 'n')] })).body.id);
      assert.equal(replaced.status, 'Finished');
      const accounts = await api.ok('GET', `/api/applications/${applicationId}/accounts`);
      assert.deepEqual(accounts.items.map((a: any) => a.id), ['n1', 'n2', 'n3', 'n4', 'n5'], 'a finished import replaces the accounts');
    });

    test('stage re-builds from the latest upload; the list pages with the application; a running import can be canceled', async () => {
      const applicationId = await newApplication('Large app');
      const res = await upload(api, applicationId, { [EMPLOYEE_FILE]: ['big.csv', employees(options.largeRows)], [PRIVILEGES_FILE]: ['p.csv', privileges(100)] });
      const done = await waitForBuild(api, res.body.id);
      assert.equal(done.status, 'Finished', done.log);
      assert.equal(done.metrics.accounts, options.largeRows);

      const staged = await api.request('POST', '/api/application-imports/stage', { applicationId });
      assert.equal(staged.status, 201, staged.text);
      assert.equal(staged.body.type, 'Staged');
      assert.equal(staged.body.number, 2);
      let seen = staged.body;
      while (seen.status === 'Pending') seen = await api.ok('GET', `/api/application-imports/${staged.body.id}`);
      const cancel = await api.request('POST', `/api/application-imports/${staged.body.id}/cancel`);
      assert.equal(cancel.status, 200, cancel.text);
      assert.ok(['Canceling', 'Canceled'].includes(cancel.body.status), cancel.body.status);
      const canceled = await waitForBuild(api, staged.body.id);
      assert.equal(canceled.status, 'Canceled', canceled.log);
      assert.equal((await api.ok('GET', `/api/applications/${applicationId}/accounts`)).totalCount, options.largeRows);
      assert.equal((await api.request('POST', `/api/application-imports/${staged.body.id}/cancel`)).status, 409);

      const list = await api.ok('GET', `/api/application-imports?applicationId=${applicationId}`);
      assert.equal(list.totalCount, 2);
      assert.equal(list.page, 1);
      assert.equal(list.totalPages, 1);
      assert.deepEqual(list.items.map((i: any) => i.number), [2, 1]);
      assert.deepEqual(Object.keys(list.items[0].application).sort(), ['id', 'isArchived', 'kind', 'lastUpdated', 'name']);
      assert.equal(list.items[0].application.kind, 'Application');
    });
  });
}
