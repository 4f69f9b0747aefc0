/** Bulk imports in production mode: a PostgreSQL server (the machine's in CI) and S3 (s3rver). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { defineBulkImportSuite, waitForRequest } from './helpers/bulk-import-suite.js';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { startTestS3, type TestS3 } from './helpers/s3.js';
import { ApiClient } from './helpers/api-client.js';
import { hashPassword } from '../src/auth/passwords.js';
import { sleep } from './helpers/ports.js';

let db: TestDatabase;
let s3: TestS3;
let intake: IntakeProcess | undefined;
/** Short, so that the expiry of a real S3 presigned report URL can be watched. */
const REPORT_TTL_SECONDS = 3;

async function createColleague(baseUrl: string, tenantId: number): Promise<ApiClient> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query("INSERT INTO users (tenant_id, email, password_hash, role) VALUES ($1, 'colleague@example.com', $2, 'ANALYST')", [
      tenantId,
      await hashPassword('Colleague-Passw0rd'),
    ]);
  } finally {
    await client.end();
  }
  const api = new ApiClient(baseUrl);
  await api.login('colleague@example.com', 'Colleague-Passw0rd');
  return api;
}

defineBulkImportSuite('bulk imports: PostgreSQL server + S3 storage', {
  hasColleague: true,
  async setup() {
    db = await createTestDatabase();
    s3 = await startTestS3();
    intake = await startIntake({ DATABASE_URL: db.url, INTAKE_DATA_DIR: '/nonexistent-intake-data', ...s3.env, INTAKE_BULK_REPORT_URL_TTL_SECONDS: String(REPORT_TTL_SECONDS) });
    const login = await intake.admin.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' });
    const tenantId = login.body.tenant_id;
    return { intake, tenantId, databaseUrl: db.url, colleague: await createColleague(intake.baseUrl, tenantId) };
  },
  modeTests(context) {
    test("a tenant admin may read a colleague's request; the colleague may read their own", async () => {
      const { intake: server, tenantId, colleague } = context();
      const res = await colleague!.request('POST', `/api/v1/idm/${tenantId}/clients/import`, [{ name: 'Colleague Co' }]);
      assert.equal(res.status, 200, res.text);
      const own = await waitForRequest(colleague!, res.body.requestId);
      assert.deepEqual(own.result.summary, { total: 1, created: 1, failed: 0 });
      const byAdmin = await server.admin.request('GET', `/api/v1/request/${res.body.requestId}`);
      assert.equal(byAdmin.status, 200, byAdmin.text);
      assert.equal(byAdmin.body.status, 'Completed');
    });

    test('the S3 report URL expires: 403 afterwards', async () => {
      const { intake: server, tenantId } = context();
      const res = await server.admin.request('POST', `/api/v1/idm/${tenantId}/clients/import`, [{ name: 'Expiring S3 Co' }]);
      const done = await waitForRequest(server.admin, res.body.requestId);
      const url = new URL(done.result.reportUrl);
      assert.equal(url.origin, s3.endpoint, 'a real S3 presigned URL, not one Intake signs itself');
      assert.equal(url.searchParams.get('X-Amz-Expires'), String(REPORT_TTL_SECONDS));
      assert.equal((await fetch(url)).status, 200);
      await sleep((REPORT_TTL_SECONDS + 1.5) * 1000);
      const late = await fetch(url);
      assert.equal(late.status, 403);
      assert.match(await late.text(), /expired/i);
    });
  },
  async teardown() {
    await intake?.stop();
    await s3?.stop();
    await db?.drop();
  },
});
