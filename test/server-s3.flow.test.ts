/**
 * Mode (b): production — a PostgreSQL server given by DATABASE_URL (the machine's in CI) and a
 * real S3-protocol server (s3rver); presigned URLs are real S3 URLs the client PUTs to directly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { defineFileImportSuite } from './helpers/file-import-suite.js';
import { startIntake, startWorker, type IntakeProcess, type WorkerProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { startTestS3, type TestS3 } from './helpers/s3.js';
import { ApiClient } from './helpers/api-client.js';
import { hashPassword } from '../src/auth/passwords.js';

let db: TestDatabase;
let s3: TestS3;
let intake: IntakeProcess | undefined;
let workers: WorkerProcess[] = [];

/** Creates a second tenant and user straight in the database (no tenant API exists yet). */
async function createOtherTenant(baseUrl: string): Promise<ApiClient> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query("INSERT INTO tenants (name) VALUES ('Other') RETURNING id");
    await client.query("INSERT INTO users (tenant_id, email, password_hash) VALUES ($1, 'other@example.com', $2)", [rows[0].id, await hashPassword('Other-Passw0rd!')]);
  } finally {
    await client.end();
  }
  const api = new ApiClient(baseUrl);
  await api.login('other@example.com', 'Other-Passw0rd!');
  return api;
}

defineFileImportSuite('PostgreSQL server + S3 storage', {
  hasOtherTenant: true,
  async setup() {
    db = await createTestDatabase();
    s3 = await startTestS3();
    // Production topology: the api runs no workers; two standalone `intake worker` processes do.
    const env = { DATABASE_URL: db.url, INTAKE_DATA_DIR: '/nonexistent-intake-data', LOG_LEVEL: 'info', ...s3.env };
    intake = await startIntake({ ...env, INTAKE_WORKERS: '0' });
    // One worker parses in a thread, one on its main thread: imports land on either, alike.
    workers = [startWorker({ ...env, INTAKE_PARSE_THREAD: 'true' }), startWorker({ ...env, INTAKE_PARSE_THREAD: 'false' })];
    return { intake, otherTenant: await createOtherTenant(intake.baseUrl) };
  },
  async teardown() {
    await Promise.all(workers.map((w) => w.stop()));
    await intake?.stop();
    await s3?.stop();
    await db?.drop();
  },
  modeTests(context) {
    test('presigned URLs are real S3 URLs on the bucket, and the client PUTs there directly', async () => {
      const api = context().intake.admin;
      const pre = await api.ok('POST', '/api/v2/presigned-url', { name: 'direct.xml' });
      const url = new URL(pre.url);
      assert.equal(url.origin, s3.endpoint);
      assert.equal(url.pathname, `/${s3.bucket}/${pre.key}`);
      assert.ok(url.searchParams.get('X-Amz-Signature'));
      const put = await fetch(url, { method: 'PUT', body: '<issues/>' });
      assert.equal(put.status, 200);
      // (s3rver does not check signatures, so tampering is tested against the local store only.)
    });

    test('no embedded database is started, and the api process ran no import', async () => {
      assert.doesNotMatch(context().intake.log(), /embedded PostgreSQL|import complete/);
      assert.ok(workers.some((w) => /import complete/.test(w.log())), 'a standalone worker ran the imports');
      assert.ok(workers.every((w) => w.child.exitCode === null), 'standalone workers are still running');
    });

    test('intake worker without DATABASE_URL refuses to start, naming what is missing', async () => {
      const lonely = startWorker({ INTAKE_DATA_DIR: '/nonexistent-intake-data' });
      const code = await new Promise((resolve) => lonely.child.once('exit', resolve));
      assert.equal(code, 1);
      assert.match(lonely.log(), /DATABASE_URL/);
    });
  },
});
