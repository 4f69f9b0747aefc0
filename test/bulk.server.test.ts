/** Bulk imports in production mode: a PostgreSQL server (the machine's in CI) and S3 (s3rver). */
import pg from 'pg';
import { defineBulkImportSuite } from './helpers/bulk-import-suite.js';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { startTestS3, type TestS3 } from './helpers/s3.js';
import { ApiClient } from './helpers/api-client.js';
import { hashPassword } from '../src/auth/passwords.js';

let db: TestDatabase;
let s3: TestS3;
let intake: IntakeProcess | undefined;

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
    intake = await startIntake({ DATABASE_URL: db.url, INTAKE_DATA_DIR: '/nonexistent-intake-data', ...s3.env });
    const login = await intake.admin.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' });
    const tenantId = login.body.tenant_id;
    return { intake, tenantId, colleague: await createColleague(intake.baseUrl, tenantId) };
  },
  async teardown() {
    await intake?.stop();
    await s3?.stop();
    await db?.drop();
  },
});
