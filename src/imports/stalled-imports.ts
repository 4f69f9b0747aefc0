/**
 * The reaper every worker process runs, on a timer, in two sweeps:
 *
 * - Stalled imports: an import still `running` whose heartbeat is older than the stall limit lost
 *   its worker (killed, crashed, machine gone). It goes back to `queued` with a new job, so another
 *   worker resumes it within seconds rather than when the job would expire; the lost attempt costs
 *   one retry, and when no retry is left the import ends as failed, its staged or loaded rows
 *   removed. Each import is reaped in one
 *   transaction — the row, its job and the verdict commit together or not at all — so a reaper
 *   that dies half-way leaves the import as it found it. Rows locked by a commit in progress are
 *   skipped (SKIP LOCKED): the commit holds the row for as long as it runs and keeps the heartbeat
 *   from stamping meanwhile (see heartbeat.ts), and an open commit is alive by definition. The
 *   lock also makes reaping exclusive: among many workers exactly one reaps a given import.
 *
 *   Why a new job rather than pg-boss's retry of the old one: the worker presumed dead may only be
 *   stuck (a long pause, a network cut) and finish later. pg-boss would then complete or fail the
 *   job it took, and if that were the job the next attempt is running, a late failure would start
 *   a third attempt under the second. The old job is canceled instead, which makes the late
 *   outcome a no-op; the attempt's own writes are fenced by the import's attempt counter.
 *
 * - Orphaned imports: an import `queued` for longer than the stall limit whose job is in no live
 *   pg-boss state (created, retry, active) — or that has no job at all — would wait forever: a
 *   crash between the two steps of an older reaper, a job deleted by hand. It gets a new job.
 */
import type PgBoss from 'pg-boss';
import type { Pool, Queryable } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import type { Logger } from '../logging.js';
import { JOBS, jobNameForKind, queueImport } from './jobs.js';
import { clearStaging } from './staging-writer.js';
import { clearRecords } from '../connectors/record-writer.js';
import { deleteRequest } from '../bulk/bulk-request.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface ReaperSettings {
  stallSeconds: number;
  intervalSeconds: number;
}

/** At most this many imports are handled per sweep; the next tick takes the rest. */
const SWEEP_LIMIT = 100;

/** Job states after which pg-boss will not run the job again. */
const ENDED_JOB_STATES = ['failed', 'completed', 'cancelled'];

/**
 * SQL: true when the job named by `imports.job_id` (alias i) will still run. pg-boss 10 keeps jobs
 * in `pgboss.job`, partitioned by queue name; the names of our queues (the parameter `queues`, a
 * text[]) let the (name, id) key find the job.
 */
function hasLiveJob(queues: string): string {
  return `EXISTS (SELECT 1 FROM pgboss.job j
                   WHERE j.name = ANY(${queues}::text[]) AND j.id = i.job_id AND j.state IN ('created', 'retry', 'active'))`;
}

export function startReaper(pool: Pool, boss: PgBoss, store: ObjectStore, settings: ReaperSettings, log: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    reapStalledImports(pool, boss, settings.stallSeconds, log, store)
      .then(() => requeueOrphanedImports(pool, boss, settings.stallSeconds, log))
      .catch((error) => log.warn({ err: error }, 'stalled-import check failed'))
      .finally(() => (running = false));
  }, settings.intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Hands every stalled import back to the queue; returns how many it reaped. With `store`, a bulk
 * job it ends failed also loses its stored request, as one its worker fails does.
 */
export async function reapStalledImports(pool: Pool, boss: PgBoss, stallSeconds: number, log: Logger, store?: ObjectStore): Promise<number> {
  const { rows: candidates } = await pool.query(
    `SELECT id, attempt FROM imports
      WHERE state = 'running' AND job_id IS NOT NULL AND heartbeat_at < now() - make_interval(secs => $1)
      ORDER BY heartbeat_at LIMIT $2`,
    [stallSeconds, SWEEP_LIMIT],
  );
  let reaped = 0;
  for (const { id, attempt } of candidates) {
    try {
      if (await reapImport(pool, boss, id, attempt, stallSeconds, log, store)) reaped++;
    } catch (error) {
      // Rolled back whole: the import is still running, and the next sweep tries again.
      log.warn({ importId: id, attempt, err: error }, 'could not reap the stalled import; will try again');
    }
  }
  return reaped;
}

async function reapImport(pool: Pool, boss: PgBoss, importId: string, attempt: number, stallSeconds: number, log: Logger, store?: ObjectStore): Promise<boolean> {
  const outcome = await withTransaction(pool, async (tx) => {
    const { rows } = await tx.query(
      `UPDATE imports SET state = 'queued', last_updated_at = now()
        WHERE id = (SELECT id FROM imports
                     WHERE id = $1 AND attempt = $2 AND state = 'running' AND job_id IS NOT NULL
                       AND heartbeat_at < now() - make_interval(secs => $3)
                     FOR NO KEY UPDATE SKIP LOCKED)
        RETURNING kind, job_id, file_location`,
      [importId, attempt, stallSeconds],
    );
    if (!rows[0]) return null;
    // The lost attempt counts as a failed one: one retry fewer for the import.
    const handedBack = await handBack(boss, tx, importId, rows[0].kind, rows[0].job_id, (job) => job.retryLimit - job.retryCount - 1);
    // No retry left: the import ends here.
    const ended = handedBack === 'exhausted';
    if (ended) {
      await tx.query(
        `UPDATE imports SET state = 'failed', finished_at = now(), last_updated_at = now(), error_status = $2 WHERE id = $1`,
        [importId, `the import stopped ${attempt} times without finishing (its worker died or hung); giving up`],
      );
      // No attempt will clear what the dead ones staged or loaded (a worker clears its own on a
      // failure it sees, and the next attempt an earlier one's): for a large scan, gigabytes.
      await clearStaging(tx, importId, attempt);
      await clearRecords(tx, importId, attempt);
    }
    return { retried: !ended, kind: rows[0].kind as string, fileLocation: rows[0].file_location as string };
  });
  if (!outcome) return false;
  log.warn({ importId, attempt, retried: outcome.retried }, 'import lost its worker; handed back to the queue');
  // After the commit: until the import is failed for good, a retry still reads the request.
  if (!outcome.retried && outcome.kind === 'bulk' && store) await deleteRequest(store, outcome.fileLocation, log, importId);
  return true;
}

/** Gives a new job to every import queued past the grace period with no live job; returns how many. */
export async function requeueOrphanedImports(pool: Pool, boss: PgBoss, graceSeconds: number, log: Logger): Promise<number> {
  const queues = Object.values(JOBS);
  const { rows: candidates } = await pool.query(
    `SELECT i.id, i.job_id FROM imports i
      WHERE i.state = 'queued' AND i.last_updated_at < now() - make_interval(secs => $1) AND NOT ${hasLiveJob('$2')}
      ORDER BY i.last_updated_at LIMIT $3`,
    [graceSeconds, queues, SWEEP_LIMIT],
  );
  let requeued = 0;
  for (const { id, job_id: jobId } of candidates) {
    try {
      if (await requeueOrphan(pool, boss, id, jobId, graceSeconds, log)) requeued++;
    } catch (error) {
      log.warn({ importId: id, err: error }, 'could not give the queued import a new job; will try again');
    }
  }
  return requeued;
}

async function requeueOrphan(pool: Pool, boss: PgBoss, importId: string, deadJobId: string | null, graceSeconds: number, log: Logger): Promise<boolean> {
  const newJobId = await withTransaction(pool, async (tx) => {
    // Locked first, then the job checked afresh: another worker's sweep may have just requeued it.
    const { rows } = await tx.query(
      `SELECT kind FROM imports
        WHERE id = $1 AND state = 'queued' AND job_id IS NOT DISTINCT FROM $2 AND last_updated_at < now() - make_interval(secs => $3)
        FOR NO KEY UPDATE SKIP LOCKED`,
      [importId, deadJobId, graceSeconds],
    );
    if (!rows[0]) return null;
    const { rows: live } = await tx.query(`SELECT ${hasLiveJob('$2')} AS live FROM imports i WHERE i.id = $1`, [importId, Object.values(JOBS)]);
    if (live[0].live) return null;
    await queueImport(boss, tx, jobNameForKind(rows[0].kind), importId);
    const { rows: updated } = await tx.query('UPDATE imports SET last_updated_at = now() WHERE id = $1 RETURNING job_id', [importId]);
    return updated[0].job_id as string;
  });
  if (!newJobId) return false;
  log.warn({ importId, deadJobId, newJobId }, 'queued import had no live job (nothing would ever run it); queued a new one');
  return true;
}

/**
 * Hands an attempt this process is running back to the queue at once, because the worker is
 * stopping: the import goes back to queued with a new job, as the reaper would do after the stall
 * timeout — but now, so another worker resumes it within seconds. A stop is no fault of the
 * import: the new job keeps every retry the old one had left. The attempt still running here is
 * fenced off (every write of an attempt requires its import to be `running` with its token). One
 * transaction, like the reaper's; it waits for a commit in progress (which then wins).
 */
export async function releaseAttempt(pool: Pool, boss: PgBoss, importId: string, attempt: number, log: Logger): Promise<boolean> {
  const released = await withTransaction(pool, async (tx) => {
    const { rows } = await tx.query(
      `UPDATE imports SET state = 'queued', last_updated_at = now()
        WHERE id = $1 AND attempt = $2 AND state = 'running' AND job_id IS NOT NULL
        RETURNING kind, job_id`,
      [importId, attempt],
    );
    if (!rows[0]) return false;
    await handBack(boss, tx, importId, rows[0].kind, rows[0].job_id, (job) => job.retryLimit - job.retryCount);
    return true;
  });
  if (released) log.info({ importId, attempt }, 'import handed back to the queue: this worker is stopping');
  return released;
}

/**
 * Inside the transaction that put a running import back to `queued`: gives it a new job with the
 * retries `retriesLeft` grants (none left: 'exhausted', nothing queued) and cancels the old one.
 * A job pg-boss will run again anyway (created, retry: it expired meanwhile) is left to do so. A
 * job that is gone (deleted by hand) is replaced by one with the queue's budget, as the orphan
 * sweep would do.
 */
async function handBack(
  boss: PgBoss,
  tx: Queryable,
  importId: string,
  kind: string,
  jobId: string,
  retriesLeft: (job: { retryLimit: number; retryCount: number }) => number,
): Promise<'requeued' | 'pending' | 'exhausted'> {
  const name = jobNameForKind(kind);
  const db = queueConnection(tx);
  const job = await boss.getJobById(name, jobId, { db, includeArchive: false });
  if (job && (job.state === 'created' || job.state === 'retry')) return 'pending';
  if (job && !ENDED_JOB_STATES.includes(job.state)) await boss.cancel(name, jobId, { db });
  const left = job ? retriesLeft(job) : undefined;
  if (left !== undefined && left < 0) return 'exhausted';
  await queueImport(boss, tx, name, importId, { retryLimit: left });
  return 'requeued';
}

/** pg-boss's view of a transaction: its commands run inside it, committed with our own writes. */
function queueConnection(tx: Queryable): PgBoss.Db {
  return { executeSql: (text: string, values: unknown[]) => tx.query(text, values) };
}
