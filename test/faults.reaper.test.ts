/**
 * The heartbeat and the reaper against the faults they exist for, on a real PostgreSQL with a
 * real pg-boss (an api with INTAKE_WORKERS=0 made the schema and the imports):
 * - a commit holds the import row FOR UPDATE: the heartbeat does not wait on it, a timer never has
 *   two stamps of one import in flight, and the reaper leaves the locked import alone;
 * - the reaper's hand-back is one transaction: a failure between requeuing the import and replacing
 *   its job leaves the import as it was (running), not queued with a job nothing will run;
 * - a worker presumed dead that wakes up (its attempt superseded) stages nothing more, clears
 *   nothing of the newer attempt, and its late pg-boss failure leaves the newer attempt's job alone;
 * - an import left queued with a job that is completed, failed or gone (or no job at all) is
 *   given a new job by a real worker's sweep, and finishes.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { startIntake, type IntakeProcess, type WorkerProcess } from './helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { sleep } from './helpers/ports.js';
import { countsOf, nessusFile, readyWorker } from './helpers/faults.js';
import { createBoss } from '../src/imports/jobs.js';
import { stampHeartbeat, startHeartbeat } from '../src/imports/heartbeat.js';
import { reapStalledImports } from '../src/imports/stalled-imports.js';
import { StagingWriter, clearStaging } from '../src/imports/staging-writer.js';
import { StaleAttemptError } from '../src/imports/stale-attempt.js';
import { createLogger } from '../src/logging.js';

const log = createLogger('silent', 'reaper-test');
/** What the reaper is run with here: the heartbeats these tests fake are an hour old. */
const STALL_SECONDS = 3;

describe('heartbeat and reaper faults (real PostgreSQL and pg-boss)', () => {
  let db: TestDatabase;
  let sql: pg.Pool;
  let boss: PgBoss;
  let dataDir: string;
  let intake: IntakeProcess;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];

  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'intake-faults-reaper-'));
    env = { DATABASE_URL: db.url, INTAKE_DATA_DIR: dataDir, INTAKE_HEARTBEAT_SECONDS: '1', INTAKE_STALL_SECONDS: String(STALL_SECONDS) };
    intake = await startIntake({ ...env, INTAKE_WORKERS: '0' });
    sql = new pg.Pool({ connectionString: db.url, max: 4 });
    boss = createBoss(db.url, { supervise: false, max: 2 });
    await boss.start();
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await boss?.stop({ graceful: false, close: true });
    await intake?.stop();
    await sql?.end();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  let small: Awaited<ReturnType<typeof nessusFile>> | undefined;
  const smallFile = async () => (small ??= await nessusFile(20));

  /** A real import, queued by the api with its job; no worker runs here unless a test starts one. */
  async function queuedImport(name: string): Promise<string> {
    const api = intake.admin;
    const target = await api.createClientAndReport(name);
    const started = await api.importBytes(target, 'nessus', `${name}.nessus`, (await smallFile()).text);
    return started.operationId;
  }

  /** What a worker's attempt 1 that stopped stamping an hour ago leaves: running, job active. */
  async function stalledAttempt(name: string): Promise<string> {
    const id = await queuedImport(name);
    await sql.query(`UPDATE imports SET state = 'running', attempt = 1, heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    await sql.query(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE id = (SELECT job_id FROM imports WHERE id = $1)`, [id]);
    return id;
  }

  async function jobStateById(jobId: string): Promise<string | undefined> {
    return (await sql.query('SELECT state FROM pgboss.job WHERE id = $1', [jobId])).rows[0]?.state;
  }

  /** How many jobs the queue holds for the import. */
  async function jobCount(importId: string): Promise<number> {
    return (await sql.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'importId' = $1`, [importId])).rows[0].n;
  }

  async function importRow(id: string): Promise<{ state: string; attempt: number; job_id: string | null; job_state: string | null }> {
    const { rows } = await sql.query(
      'SELECT i.state, i.attempt, i.job_id, j.state AS job_state FROM imports i LEFT JOIN pgboss.job j ON j.id = i.job_id WHERE i.id = $1',
      [id],
    );
    return rows[0];
  }

  /** The promise's value, or a failure if it has not settled within `seconds` (it is waiting on a lock). */
  async function settlesWithin<T>(work: Promise<T>, seconds: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not return within ${seconds} s: it waited on the lock`)), seconds * 1000);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Heartbeat stamps of this database now in flight (any process), and how many wait on a lock. */
  async function stampsInFlight(): Promise<{ running: number; waitingOnLock: number }> {
    const { rows } = await sql.query(
      `SELECT count(*)::int AS running, count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS waiting
         FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%SET heartbeat_at = now()%'`,
    );
    return { running: rows[0].running, waitingOnLock: rows[0].waiting };
  }

  /** A connection in the middle of a commit: it holds the import row FOR UPDATE until released. */
  async function holdRowLock(id: string): Promise<() => Promise<void>> {
    const holder = await sql.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT attempt, state FROM imports WHERE id = $1 FOR UPDATE', [id]);
    return async () => {
      await holder.query('ROLLBACK');
      holder.release();
    };
  }

  test('while a commit holds the import row, the heartbeat does not wait and the reaper leaves the import alone', async () => {
    const id = await stalledAttempt('Locked');
    const heartbeatPool = new pg.Pool({ connectionString: db.url, max: 5 });
    const release = await holdRowLock(id);
    try {
      const stamped = await settlesWithin(stampHeartbeat(heartbeatPool, id, 1), 10, 'the heartbeat stamp');
      assert.equal(stamped, false, 'skipped: the row is locked');

      // The timer's stamps (every 50 ms for a second) skip too: none queues behind the lock.
      const stop = startHeartbeat(heartbeatPool, id, 1, 0.05, log);
      try {
        await sleep(1000);
        assert.deepEqual((await stampsInFlight()).waitingOnLock, 0, 'no heartbeat waits on the commit');
      } finally {
        stop();
      }

      const reaped = await settlesWithin(reapStalledImports(sql, boss, STALL_SECONDS, log), 10, 'the reaper');
      assert.equal(reaped, 0, 'an import whose commit is running is not stalled');
      assert.deepEqual(await importRow(id).then((r) => [r.state, r.attempt, r.job_state]), ['running', 1, 'active']);
    } finally {
      await release();
    }

    // Unlocked, the same calls act: the stamp lands, and a stale import is reaped.
    assert.equal(await stampHeartbeat(heartbeatPool, id, 1), true, 'stamped once the row is free');
    assert.equal(await stampHeartbeat(heartbeatPool, id, 2), false, 'not for an attempt that does not own the import');
    await heartbeatPool.end();
    await sql.query(`UPDATE imports SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    assert.equal(await reapStalledImports(sql, boss, STALL_SECONDS, log), 1);
    assert.deepEqual(await importRow(id).then((r) => [r.state, r.job_state]), ['queued', 'created']);
  });

  test('a heartbeat timer never has two stamps of one import in flight, however long a stamp takes', async () => {
    const id = await stalledAttempt('Slow database');
    const heartbeatPool = new pg.Pool({ connectionString: db.url, max: 5 });
    // A lock no SKIP LOCKED can step around: every stamp of the import waits until it is released.
    const holder = await sql.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE imports IN ACCESS EXCLUSIVE MODE');
    const stop = startHeartbeat(heartbeatPool, id, 1, 0.05, log);
    try {
      const deadline = Date.now() + 10_000;
      while ((await stampsInFlight()).running === 0) {
        assert.ok(Date.now() < deadline, 'the first stamp never reached the database');
        await sleep(20);
      }
      await sleep(1000); // twenty more ticks
      assert.equal((await stampsInFlight()).running, 1, 'one stamp at a time');
    } finally {
      stop();
      await holder.query('ROLLBACK');
      holder.release();
    }
    await heartbeatPool.end();
  });

  test('the hand-back is one transaction: when replacing the job fails, the import stays running, and the next sweep reaps it', async () => {
    const id = await stalledAttempt('Half reaped');
    const { job_id: jobId } = await importRow(id);
    // Canceling the old job breaks, as a dying process would leave it.
    await sql.query(`CREATE FUNCTION faults_break_cancel() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF OLD.id = '${jobId}'::uuid THEN RAISE EXCEPTION 'connection lost (injected)'; END IF; RETURN NEW; END $$`);
    await sql.query('CREATE TRIGGER faults_break_cancel BEFORE UPDATE ON pgboss.job FOR EACH ROW EXECUTE FUNCTION faults_break_cancel()');
    try {
      await reapStalledImports(sql, boss, STALL_SECONDS, log).catch(() => {});
      const row = await importRow(id);
      assert.deepEqual([row.state, row.job_id, row.job_state], ['running', jobId, 'active'], 'nothing half-done: not queued with a job that will never run it');
      assert.equal(await jobCount(id), 1, 'no second job');
    } finally {
      await sql.query('DROP TRIGGER faults_break_cancel ON pgboss.job');
      await sql.query('DROP FUNCTION faults_break_cancel()');
    }
    assert.equal(await reapStalledImports(sql, boss, STALL_SECONDS, log), 1);
    const row = await importRow(id);
    assert.deepEqual([row.state, row.job_state], ['queued', 'created'], 'queued again, with a job ready to run');
    assert.notEqual(row.job_id, jobId);
    assert.equal(await jobStateById(jobId!), 'cancelled', 'the lost attempt\'s job is ended for good');
  });

  test('a worker presumed dead that wakes up changes nothing: its rows are refused, it clears nothing of the new attempt, and its late fail does not touch the new job', async () => {
    const id = await stalledAttempt('Woke up late');
    const { job_id: oldJob } = await importRow(id);
    const zombie = new StagingWriter(sql, id, 1);
    await zombie.add({ kind: 'finding', key: 'early', data: { title: 'Staged before the hand-back', severity: 'Low' } });
    await zombie.flush();
    assert.equal(await reapStalledImports(sql, boss, STALL_SECONDS, log), 1);
    // Attempt 2 begins on another worker and stages a row.
    await sql.query(`UPDATE imports SET state = 'running', attempt = 2, heartbeat_at = now() WHERE id = $1`, [id]);
    const current = new StagingWriter(sql, id, 2);
    await current.add({ kind: 'finding', key: 'current', data: { title: 'Staged by attempt 2', severity: 'High' } });
    await current.flush();

    // The first worker wakes up: goes on staging, fails, clears its rows, and pg-boss fails its job.
    await zombie.add({ kind: 'finding', key: 'late', data: { title: 'Staged after the hand-back', severity: 'Low' } });
    await assert.rejects(zombie.flush(), (error: Error) => error instanceof StaleAttemptError);
    await clearStaging(sql, id, 1);
    await boss.fail('file-import', oldJob!, { reason: 'late failure of the attempt presumed dead' });

    const { rows: staged } = await sql.query('SELECT tool_key, attempt FROM staging_findings WHERE import_id = $1 ORDER BY tool_key', [id]);
    assert.deepEqual(staged, [{ tool_key: 'current', attempt: 2 }], 'only attempt 2\'s row is left');
    const row = await importRow(id);
    assert.notEqual(row.job_id, oldJob);
    assert.equal(row.job_state, 'created', 'the new job was not failed into a retry by the old attempt');
    assert.equal(await jobStateById(oldJob!), 'cancelled');
    await clearStaging(sql, id, 2);
  });

  test('imports queued with a completed, failed or missing job (or none) get a new job from a worker and finish', async () => {
    const orphans = {
      completed: await queuedImport('Job completed'),
      failed: await queuedImport('Job failed'),
      missing: await queuedImport('Job gone'),
      none: await queuedImport('No job'),
    };
    const healthy = await queuedImport('Live job');
    const jobOf = async (id: string) => (await importRow(id)).job_id;
    const deadJobs = { completed: await jobOf(orphans.completed), failed: await jobOf(orphans.failed), missing: await jobOf(orphans.missing) };
    const healthyJob = await jobOf(healthy);
    // What a crash between the two steps of an older reaper, or a hand-edited queue, leaves behind.
    await sql.query(`UPDATE pgboss.job SET state = 'completed', completed_on = now() WHERE id = $1`, [deadJobs.completed]);
    await sql.query(`UPDATE pgboss.job SET state = 'failed', completed_on = now() WHERE id = $1`, [deadJobs.failed]);
    await sql.query('DELETE FROM pgboss.job WHERE id = $1', [deadJobs.missing]);
    await sql.query('DELETE FROM pgboss.job WHERE id = (SELECT job_id FROM imports WHERE id = $1)', [orphans.none]);
    await sql.query('UPDATE imports SET job_id = NULL WHERE id = $1', [orphans.none]);
    await sql.query(`UPDATE imports SET last_updated_at = now() - interval '1 hour' WHERE id = ANY($1::uuid[])`, [[...Object.values(orphans), healthy]]);

    const worker = await readyWorker(env);
    workers.push(worker);
    const { expected } = await smallFile();
    for (const [name, id] of [...Object.entries(orphans), ['healthy', healthy]]) {
      const job = await intake.admin.waitForImport(id, 60_000);
      assert.equal(job.status, 'IMPORT COMPLETE', `${name}: ${job.status} ${job.error_status ?? ''}`);
      assert.deepEqual(countsOf(job), expected, name);
    }
    for (const [name, id] of Object.entries(orphans)) {
      const jobId = await jobOf(id);
      assert.ok(jobId && !Object.values(deadJobs).includes(jobId), `${name}: a new job`);
    }
    assert.equal(await jobOf(healthy), healthyJob, 'an import whose job is live keeps it');
    assert.equal(worker.log().match(/queued import had no live job/g)?.length, 4, worker.log().slice(-3000));
  });
});
