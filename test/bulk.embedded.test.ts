/** Bulk imports on the embedded default: embedded PostgreSQL, local storage, self-signed report URLs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBulkImportSuite, waitForRequest } from './helpers/bulk-import-suite.js';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';
import { sleep } from './helpers/ports.js';
import { embeddedIntakeDatabaseUrl } from './helpers/database.js';

let dataDir: string;
let intake: IntakeProcess | undefined;
const REPORT_TTL_SECONDS = 3;

defineBulkImportSuite('bulk imports: embedded PostgreSQL + local storage', {
  hasColleague: false,
  async setup() {
    dataDir = await mkdtemp(join(tmpdir(), 'intake-bulk-'));
    intake = await startIntake({ INTAKE_DATA_DIR: dataDir, INTAKE_BULK_REPORT_URL_TTL_SECONDS: String(REPORT_TTL_SECONDS) });
    const login = await intake.admin.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' });
    return { intake, tenantId: login.body.tenant_id, databaseUrl: await embeddedIntakeDatabaseUrl(dataDir) };
  },
  async teardown() {
    await intake?.stop();
    await rm(dataDir, { recursive: true, force: true });
  },
  modeTests(context) {
    test('the report URL expires: 403 afterwards', async () => {
      const { intake: server, tenantId } = context();
      const res = await server.admin.request('POST', `/api/v1/idm/${tenantId}/clients/import`, [{ name: 'Expiring Co' }]);
      const done = await waitForRequest(server.admin, res.body.requestId);
      assert.equal((await fetch(done.result.reportUrl)).status, 200);
      await sleep((REPORT_TTL_SECONDS + 1.5) * 1000);
      const late = await fetch(done.result.reportUrl);
      assert.equal(late.status, 403);
      assert.equal((await late.json()).code, 'UPLOAD_URL_EXPIRED');
    });
  },
});
