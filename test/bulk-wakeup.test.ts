/**
 * Queuing an import wakes the workers (PostgreSQL NOTIFY in the queuing transaction, then pg-boss's
 * notifyWorker) instead of leaving the job to their next poll — and still does once the database
 * connection was lost and came back. The worker here polls only every 30 s (INTAKE_WORKER_POLL_MS):
 * a job it finishes in well under that, with margins wide enough for a loaded machine, is one it
 * was woken for. Without the wake-up each job waits for the next poll, up to 30 s.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, type IntakeProcess, type WorkerProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { TcpProxy } from './helpers/tcp-proxy.js';
import { readyWorker, nessusFile } from './helpers/faults.js';
import { mixedClients, waitForRequest } from './helpers/bulk-import-suite.js';
import { sleep } from './helpers/ports.js';

const POLL_MS = 30_000;
/** A third of the poll interval: a job done within it was not found by a poll. */
const WOKEN_WITHIN_MS = 10_000;

describe('queued jobs wake the workers instead of waiting for their poll', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let dataDir: string;
  let intake: IntakeProcess;
  let worker: WorkerProcess;
  let tenantId: number;

  before(async () => {
    db = await createTestDatabase();
    const through = await TcpProxy.for(db.url);
    proxy = through.proxy;
    dataDir = await mkdtemp(join(tmpdir(), 'intake-wakeup-'));
    const env = { DATABASE_URL: through.url, INTAKE_DATA_DIR: dataDir, INTAKE_WORKER_POLL_MS: String(POLL_MS), INTAKE_DB_CONNECT_TIMEOUT_SECONDS: '2' };
    intake = await startIntake({ ...env, INTAKE_WORKERS: '0' });
    worker = await readyWorker(env);
    tenantId = (await intake.admin.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' })).body.tenant_id;
    // The handlers' first polls happen at start; from now on the next ones are 30 s away.
    await sleep(1000);
  });

  after(async () => {
    await proxy?.set('pass');
    await worker?.stop();
    await intake?.stop();
    await proxy?.close();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Queues a 1000-client bulk import and answers how long it took to complete. */
  async function timedBulkImport(prefix: string): Promise<number> {
    const { objects, created } = mixedClients(prefix);
    const started = Date.now();
    const res = await intake.admin.request('POST', `/api/v1/idm/${tenantId}/clients/import`, objects);
    assert.equal(res.status, 200, res.text);
    const done = await waitForRequest(intake.admin, res.body.requestId, 2 * POLL_MS);
    assert.equal(done.status, 'Completed', JSON.stringify(done));
    assert.equal(done.result.summary.created, created);
    return Date.now() - started;
  }

  test('a bulk import, then a file import, each complete long before the next poll', async () => {
    const bulkMs = await timedBulkImport('Woken');
    assert.ok(bulkMs < WOKEN_WITHIN_MS, `the bulk import took ${bulkMs} ms: the worker was not woken (it polls every ${POLL_MS} ms)`);

    const { text } = await nessusFile(3);
    const started = Date.now();
    const file = await intake.admin.importBytes(await intake.admin.createClientAndReport('Woken scan'), 'nessus', 'woken.nessus', text);
    const job = await intake.admin.waitForImport(file.operationId, 2 * POLL_MS);
    assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
    const fileMs = Date.now() - started;
    assert.ok(fileMs < WOKEN_WITHIN_MS, `the file import took ${fileMs} ms: the worker was not woken`);
  });

  test('after a database outage the worker listens again, and is woken as before', async () => {
    await proxy.set('refuse');
    await sleep(3000);
    const listenedBefore = listenedAgain(worker.log());
    await proxy.set('pass');
    const deadline = Date.now() + 60_000;
    while (listenedAgain(worker.log()) === listenedBefore) {
      assert.ok(Date.now() < deadline, `the worker did not listen again within 60 s:\n${worker.log().slice(-3000)}`);
      await sleep(100);
    }
    // Reconnecting woke the handlers once (jobs may have come meanwhile); let that poll pass, and the api's pool recover.
    await sleep(1000);
    while ((await fetch(`${intake.baseUrl}/healthz`)).status !== 200) await sleep(200);

    const bulkMs = await timedBulkImport('Woken again');
    assert.ok(bulkMs < WOKEN_WITHIN_MS, `after the outage the bulk import took ${bulkMs} ms: the worker was not woken`);
    assert.equal(worker.child.exitCode, null, 'the worker survived the outage');
  });
});

/** How many times the job wake-up connection was re-established, by the worker's log. */
function listenedAgain(log: string): number {
  return log.split('\n').filter((line) => line.includes('"channel":"intake_jobs"') && line.includes('listening for notifications again')).length;
}
