/**
 * Faults of worker processes, in the production topology (an api with INTAKE_WORKERS=0 and
 * standalone `intake worker` processes on one PostgreSQL):
 * - a connector (application) build killed with SIGKILL is retried and ends exactly as a clean run;
 * - SIGTERM: a worker finishes its import within the grace period, or hands it back at once so
 *   another worker completes it (long before the stall timeout);
 * - a worker paused past the stall limit and then resumed (presumed dead, but alive) adds nothing to
 *   the attempt that replaced it: the import ends with the rows and counts of one clean run;
 * - a job that keeps failing, or whose workers keep dying, ends failed after a bounded number of
 *   attempts, with the last error in its status.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startIntake, type IntakeProcess, type WorkerProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { sleep } from './helpers/ports.js';
import { EMPLOYEE_FILE, PRIVILEGES_FILE, employees, privileges, upload, waitForBuild } from './helpers/connector-suite.js';
import { countsOf, nessusFile, readyWorker, signalAndWait } from './helpers/faults.js';

describe('worker faults (api + standalone workers, one PostgreSQL)', () => {
  let db: TestDatabase;
  let sql: pg.Pool;
  let dataDir: string;
  let intake: IntakeProcess;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];

  before(async () => {
    db = await createTestDatabase();
    sql = new pg.Pool({ connectionString: db.url, max: 2 });
    dataDir = await mkdtemp(join(tmpdir(), 'intake-faults-worker-'));
    // One retry: bounded-attempt tests stay short. The stall timeout stays long unless a test
    // needs the reaper, so that a prompt hand-back cannot be mistaken for the reaper's.
    env = { DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir, INTAKE_JOB_RETRY_LIMIT: '1', INTAKE_HEARTBEAT_SECONDS: '1', INTAKE_STALL_SECONDS: '3', INTAKE_WORKER_CONCURRENCY: '1' };
    intake = await startIntake({ ...env, INTAKE_WORKERS: '0' });
  });

  after(async () => {
    await stopWorkers();
    await intake?.stop();
    await sql?.end();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Each test starts with no worker: the ones it starts are the only ones that can take its jobs. */
  async function stopWorkers(): Promise<void> {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  }

  async function worker(extra: Record<string, string> = {}): Promise<WorkerProcess> {
    const w = await readyWorker({ ...env, ...extra });
    workers.push(w);
    return w;
  }

  /** The queue's view of an import's job: completed or failed means nothing will run it again. */
  async function jobState(importId: string): Promise<string> {
    const { rows } = await sql.query('SELECT j.state FROM pgboss.job j JOIN imports i ON i.job_id = j.id WHERE i.id = $1', [importId]);
    return rows[0]?.state;
  }

  /** A large file (about 70 MB), made once: it takes a worker several seconds. */
  let large: Awaited<ReturnType<typeof nessusFile>> | undefined;
  const largeFile = async () => (large ??= await nessusFile(12_000));

  async function importRow(id: string): Promise<{ state: string; attempt: number; error_status: string | null }> {
    return (await sql.query('SELECT state, attempt, error_status FROM imports WHERE id = $1', [id])).rows[0];
  }

  /** Waits until the import is running the given attempt and has made progress. */
  async function waitRunning(id: string, attempt: number, progressed: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await importRow(id);
      assert.notEqual(row.state, 'succeeded', 'the import ended before the fault could be injected; make it larger');
      if (row.state === 'running' && row.attempt === attempt && (await progressed())) return;
      assert.ok(Date.now() < deadline, `attempt ${attempt} of ${id} never got going: ${JSON.stringify(row)}`);
      await sleep(20);
    }
  }

  /** All loaded rows of an application import, as one comparable digest. */
  async function recordsDigest(importId: string): Promise<{ count: number; digest: string }> {
    const { rows } = await sql.query(
      `SELECT count(*)::int AS count,
              md5(coalesce(string_agg(file_group_id || ':' || line || ':' || coalesce(account_key, '') || ':' || data::text, '|' ORDER BY file_group_id, line), '')) AS digest
         FROM application_records WHERE import_id = $1`,
      [importId],
    );
    return rows[0];
  }

  test('a connector build killed with SIGKILL is retried and ends with the metrics and rows of an uninterrupted run', async () => {
    await stopWorkers();
    const api = intake.admin;
    const files = { [EMPLOYEE_FILE]: ['employees.csv', employees(80_000, 'e', (i) => i % 1000 === 0)], [PRIVILEGES_FILE]: ['privileges.csv', privileges(20_000)] } as Record<string, [string, string]>;
    const newApplication = async (name: string) => (await api.ok('POST', '/api/applications', { name, connectorId: 'a1b2c3d4-0000-0000-0000-000000000000' })).id as string;

    const clean = await worker();
    const reference = await waitForBuild(api, (await upload(api, await newApplication('Reference'), files)).body.id);
    assert.equal(reference.status, 'Finished', reference.log);
    await signalAndWait(clean.child, 'SIGKILL');

    const first = await worker();
    const applicationId = await newApplication('Interrupted');
    const res = await upload(api, applicationId, files);
    assert.equal(res.status, 201, res.text);
    const importId = res.body.id;
    await waitRunning(importId, 1, async () => (await recordsDigest(importId)).count > 0);
    await signalAndWait(first.child, 'SIGKILL');
    await worker();
    const done = await waitForBuild(api, importId, 120_000);
    assert.equal(done.status, 'Finished', done.log);
    assert.equal((await importRow(importId)).attempt, 2, 'the build was resumed by a second attempt');
    assert.match(done.log, /attempt 2/);
    assert.deepEqual({ ...done.metrics, durationMs: 0 }, { ...reference.metrics, durationMs: 0 });
    const [got, want] = [await recordsDigest(importId), await recordsDigest(reference.id)];
    assert.equal(got.count, want.count);
    assert.equal(got.digest, want.digest, 'the same rows as the uninterrupted build, none twice');
    const accounts = await api.ok('GET', `/api/applications/${applicationId}/accounts`);
    assert.equal(accounts.totalCount, reference.metrics.accounts);
  });

  test('SIGTERM: a worker hands its import back within the grace period and another worker completes it', async () => {
    await stopWorkers();
    const api = intake.admin;
    const { text, expected } = await largeFile();
    // Without the hand-back, only the reaper could rescue the import, and only after a minute.
    const slowReaper = { INTAKE_STALL_SECONDS: '60', INTAKE_SHUTDOWN_GRACE_SECONDS: '1' };
    const target = await api.createClientAndReport('Handed back');
    let current = await worker(slowReaper);
    const started = await api.importBytes(target, 'nessus', 'big.nessus', text);
    // Twice: the second stop hits the last attempt INTAKE_JOB_RETRY_LIMIT=1 allows, and being
    // stopped must not cost the import its chance.
    for (const attempt of [1, 2]) {
      await waitRunning(started.operationId, attempt, async () => Number((await api.ok('GET', `/api/v2/my-imports/${started.operationId}`)).processed_bytes) > 0);
      const exit = await signalAndWait(current.child, 'SIGTERM');
      assert.equal(exit.code, 0, current.log().slice(-2000));
      assert.ok(exit.ms < 1000 + 4000, `the worker took ${exit.ms} ms to stop with a 1 s grace period`);
      assert.match(current.log(), /handed back to the queue/);
      const handedBack = await importRow(started.operationId);
      assert.equal(handedBack.state, 'queued', `handed back, not failed: ${JSON.stringify(handedBack)}`);
      assert.equal(await jobState(started.operationId), 'created', 'a new job waits for the next worker');
      current = await worker(slowReaper);
    }

    const t0 = Date.now();
    const job = await api.waitForImport(started.operationId, 120_000);
    assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
    assert.ok(Date.now() - t0 < 50_000, 'resumed at once, not after the 60 s stall timeout');
    assert.deepEqual(countsOf(job), expected);
    assert.equal((await importRow(started.operationId)).attempt, 3);
    const flaws = await api.ok<any[]>('GET', `/api/v1/client/${target.clientId}/report/${target.reportId}/flaws`);
    assert.equal(flaws.length, expected.findings);
  });

  test('SIGTERM: with time to spare, a worker finishes its current import before it exits', async () => {
    await stopWorkers();
    const api = intake.admin;
    const { text, expected } = await nessusFile(3000);
    const w = await worker({ INTAKE_SHUTDOWN_GRACE_SECONDS: '60' });
    const target = await api.createClientAndReport('Finished before exit');
    const started = await api.importBytes(target, 'nessus', 'mid.nessus', text);
    await waitRunning(started.operationId, 1, async () => true);
    const exit = await signalAndWait(w.child, 'SIGTERM');
    assert.equal(exit.code, 0);
    const row = await importRow(started.operationId);
    assert.deepEqual({ state: row.state, attempt: row.attempt }, { state: 'succeeded', attempt: 1 }, 'done by the stopping worker itself, in one attempt');
    assert.deepEqual(countsOf(await api.ok('GET', `/api/v2/my-imports/${started.operationId}`)), expected);
    assert.doesNotMatch(w.log(), /handed back/);
  });

  test('a worker paused past the stall limit and then resumed adds nothing to the attempt that replaced it', async () => {
    await stopWorkers();
    const api = intake.admin;
    const { text, expected } = await largeFile();
    const target = await api.createClientAndReport('Paused worker');
    const paused = await worker();
    const started = await api.importBytes(target, 'nessus', 'paused.nessus', text);
    const staged = async () => (await sql.query('SELECT count(*)::int AS n FROM staging_links WHERE import_id = $1', [started.operationId])).rows[0].n;
    await waitRunning(started.operationId, 1, async () => (await staged()) > 0);
    // Paused, not killed: to the others it looks dead, but it keeps its place in the file and
    // carries on where it stopped once it is resumed, while attempt 2 is under way.
    paused.child.kill('SIGSTOP');
    try {
      await worker(); // its reaper hands the import over after INTAKE_STALL_SECONDS, then it runs attempt 2
      await waitRunning(started.operationId, 2, async () => (await staged()) > 0);
    } finally {
      paused.child.kill('SIGCONT');
    }
    const job = await api.waitForImport(started.operationId, 120_000);
    assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
    assert.deepEqual(countsOf(job), expected);
    assert.equal((await importRow(started.operationId)).attempt, 2, 'the resumed attempt caused no third one');
    const { rows } = await sql.query(
      `SELECT (SELECT count(*)::int FROM evidence e JOIN findings f ON f.id = e.finding_id WHERE f.report_id = $1) AS evidence,
              (SELECT count(*)::int FROM finding_assets l JOIN findings f ON f.id = l.finding_id WHERE f.report_id = $1) AS links`,
      [target.reportId],
    );
    assert.deepEqual(rows[0], { evidence: expected.evidence, links: expected.finding_assets }, 'stored rows are those of one clean run');
    const deadline = Date.now() + 30_000;
    while (!/was superseded by a newer attempt/.test(paused.log())) {
      assert.ok(Date.now() < deadline, `the resumed worker never noticed it was superseded:\n${paused.log().slice(-3000)}`);
      await sleep(100);
    }
    assert.equal(paused.child.exitCode, null, 'the resumed worker lives on');
  });

  test('a job that keeps failing ends ERROR after 1 + INTAKE_JOB_RETRY_LIMIT attempts, with the last error in its status', async () => {
    await stopWorkers();
    const api = intake.admin;
    await worker();
    // An infrastructure failure no retry mends: every write to the staging table fails as a full disk would.
    await sql.query(`CREATE FUNCTION faults_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file: No space left on device (injected)' USING ERRCODE = '53100'; END $$`);
    await sql.query('CREATE TRIGGER faults_disk_full BEFORE INSERT ON staging_findings FOR EACH STATEMENT EXECUTE FUNCTION faults_disk_full()');
    try {
      const { text } = await nessusFile(20);
      const target = await api.createClientAndReport('Always failing');
      const started = await api.importBytes(target, 'nessus', 'small.nessus', text);
      const job = await api.waitForImport(started.operationId, 60_000);
      assert.equal(job.status, 'ERROR');
      assert.match(job.error_status, /after 2 attempts: could not extend file: No space left on device \(injected\)/);
      assert.equal((await importRow(started.operationId)).attempt, 2, 'one try and one retry, then no more');
      assert.ok(['completed', 'failed'].includes(await jobState(started.operationId)), 'the queue will not run it again');
    } finally {
      await sql.query('DROP TRIGGER faults_disk_full ON staging_findings');
      await sql.query('DROP FUNCTION faults_disk_full()');
    }
  });

  test('an import whose workers keep dying ends ERROR after a bounded number of attempts instead of being retried forever', async () => {
    await stopWorkers();
    const api = intake.admin;
    const { text } = await largeFile();
    const target = await api.createClientAndReport('Killer file');
    let current = await worker();
    const started = await api.importBytes(target, 'nessus', 'killer.nessus', text);
    const stagedRows = async () => {
      const { rows } = await sql.query(
        `SELECT (SELECT count(*) FROM staging_assets WHERE import_id = $1) + (SELECT count(*) FROM staging_findings WHERE import_id = $1)
              + (SELECT count(*) FROM staging_links WHERE import_id = $1) + (SELECT count(*) FROM staging_evidence WHERE import_id = $1) AS n`,
        [started.operationId],
      );
      return Number(rows[0].n);
    };
    for (const attempt of [1, 2]) {
      // Killed once it has staged rows, so the last attempt leaves some behind.
      await waitRunning(started.operationId, attempt, async () => (await stagedRows()) > 0);
      await signalAndWait(current.child, 'SIGKILL');
      current = await worker();
    }
    const job = await api.waitForImport(started.operationId, 60_000);
    assert.equal(job.status, 'ERROR');
    assert.match(job.error_status, /stopped 2 times without finishing/);
    assert.equal(await stagedRows(), 0, 'the reaper that gave up removed what the dead attempts staged');
    const row = await importRow(started.operationId);
    assert.deepEqual({ state: row.state, attempt: row.attempt }, { state: 'failed', attempt: 2 }, 'no third attempt');
    assert.equal(await jobState(started.operationId), 'cancelled', 'the queue will not run it again');
  });
});
