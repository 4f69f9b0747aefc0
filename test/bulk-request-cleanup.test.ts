/**
 * The stored body of a bulk request (`b<id>/request.json`) is deleted once its job has ended,
 * Completed or Failed, against a real `intake serve`, a real `intake worker` and local storage.
 * The api runs no workers: a job stays Pending until the test starts one, so the test can see the
 * stored request before any worker acts on it. A job the reaper ends Failed (its workers kept
 * dying) loses its request too: that reaper is run here directly, against the same database, queue
 * and store.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, startWorker, ADMIN, type IntakeProcess, type WorkerProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { waitForRequest } from './helpers/bulk-import-suite.js';
import { sleep } from './helpers/ports.js';
import pg from 'pg';
import { createBoss } from '../src/imports/jobs.js';
import { reapStalledImports } from '../src/imports/stalled-imports.js';
import { LocalDiskStore } from '../src/storage/local-disk-store.js';
import { createLogger } from '../src/logging.js';

/** How long the worker gets to delete the request once the job's end is visible (a bound, not a timing). */
const DELETE_WAIT_MS = 15_000;

describe('the stored bulk request is deleted when its job ends', () => {
  let db: TestDatabase;
  let dataDir: string;
  let intake: IntakeProcess;
  let env: Record<string, string>;
  let tenantId: number;

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-bulk-cleanup-'));
    env = { DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir };
    intake = await startIntake({ ...env, INTAKE_WORKERS: '0' });
    const login = await intake.admin.request('POST', '/api/v1/authenticate', { username: ADMIN.email, password: ADMIN.password });
    tenantId = login.body.tenant_id;
  });

  after(async () => {
    await intake?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const requestFile = (requestId: string) => join(dataDir, 'objects', `b${requestId.slice('import-'.length).replace(/-/g, '')}`, 'request.json');
  const exists = (path: string) => access(path).then(() => true, () => false);

  /** Queues a job; no worker runs yet, so its stored request is surely there. */
  async function queue(objects: unknown[]): Promise<{ requestId: string; file: string }> {
    const res = await intake.admin.request('POST', `/api/v1/idm/${tenantId}/clients/import`, objects);
    assert.equal(res.status, 200, res.text);
    const file = requestFile(res.body.requestId);
    assert.ok(await exists(file), `the api stored the request at ${file}`);
    return { requestId: res.body.requestId, file };
  }

  /** Runs `work` while one worker runs (it is stopped only afterwards, so it never stops mid-delete). */
  async function withWorker<T>(work: () => Promise<T>): Promise<T> {
    const worker: WorkerProcess = startWorker({ ...env, LOG_LEVEL: 'info' });
    try {
      return await work();
    } finally {
      await worker.stop();
    }
  }

  async function assertDeleted(file: string): Promise<void> {
    // The worker deletes after committing the final state, so the status may show it a moment first.
    const started = Date.now();
    while (await exists(file)) {
      if (Date.now() - started > DELETE_WAIT_MS) assert.fail(`${file} is still stored after its job ended`);
      await sleep(100);
    }
  }

  test('after a Completed job the request is gone; the report stays', async () => {
    const { requestId, file } = await queue([{ name: 'Cleanup Co 1' }, { name: null }]);
    const done = await withWorker(async () => {
      const ended = await waitForRequest(intake.admin, requestId);
      assert.equal(ended.status, 'Completed', JSON.stringify(ended));
      await assertDeleted(file);
      return ended;
    });
    assert.deepEqual(done.result.summary, { total: 2, created: 1, failed: 1 });
    assert.equal((await fetch(done.result.reportUrl)).status, 200, 'the report is kept: its URL is what the caller downloads');
  });

  test('after a Failed job the request is gone too', async () => {
    const { requestId, file } = await queue([{ name: 'Cleanup Co 2' }]);
    // A stored body that is not an array fails the job at once (no retry can mend it), with the object still there.
    await writeFile(file, '{"not":"an array"}');
    await withWorker(async () => {
      const ended = await waitForRequest(intake.admin, requestId);
      assert.equal(ended.status, 'Failed', JSON.stringify(ended));
      assert.match(ended.error, /not a JSON array/);
      await assertDeleted(file);
    });
  });

  test('after a job the reaper ends Failed (its workers kept dying), the request is gone too', async () => {
    const { requestId, file } = await queue([{ name: 'Cleanup Co 3' }]);
    const importId = requestId.slice('import-'.length);
    const sql = new pg.Pool({ connectionString: db.url, max: 2 });
    const boss = createBoss(db.url, { supervise: false, max: 2 });
    await boss.start();
    try {
      // What the last allowed attempt leaves when its worker dies: running, stamped long ago, its
      // job active with every retry spent.
      await sql.query(`UPDATE imports SET state = 'running', attempt = 2, heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [importId]);
      await sql.query(
        `UPDATE pgboss.job SET state = 'active', started_on = now(), retry_count = retry_limit WHERE id = (SELECT job_id FROM imports WHERE id = $1)`,
        [importId],
      );
      const store = new LocalDiskStore(join(dataDir, 'objects'), 'http://intake.test', 'a-signing-secret-that-is-unused-here');
      assert.equal(await reapStalledImports(sql, boss, 3, createLogger('silent', 'reaper-test'), store), 1);
      const { rows } = await sql.query('SELECT state, error_status FROM imports WHERE id = $1', [importId]);
      assert.equal(rows[0].state, 'failed');
      assert.match(rows[0].error_status, /stopped 2 times without finishing/);
      assert.equal(await exists(file), false, 'the reaper deleted the stored request');
    } finally {
      await boss.stop({ graceful: false, close: true });
      await sql.end();
    }
  });
});
