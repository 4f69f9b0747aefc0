/**
 * The reaper every worker process runs: an import still `running` whose heartbeat is older than
 * the stall limit lost its worker (killed, crashed, machine gone). It goes back to `queued` and its
 * job is failed into pg-boss's retry, so another worker resumes it within seconds rather than when
 * the job would expire. When no retry is left the import ends as failed. Claiming is one
 * conditional UPDATE, so among many workers exactly one reaps a given import.
 */
import type PgBoss from 'pg-boss';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logging.js';
import { jobNameForKind } from './jobs.js';

export interface ReaperSettings {
  stallSeconds: number;
  intervalSeconds: number;
}

export function startReaper(pool: Pool, boss: PgBoss, settings: ReaperSettings, log: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    reapStalledImports(pool, boss, settings.stallSeconds, log)
      .catch((error) => log.warn({ err: error }, 'stalled-import check failed'))
      .finally(() => (running = false));
  }, settings.intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

export async function reapStalledImports(pool: Pool, boss: PgBoss, stallSeconds: number, log: Logger): Promise<number> {
  const { rows } = await pool.query(
    `UPDATE imports SET state = 'queued', last_updated_at = now()
      WHERE state = 'running' AND job_id IS NOT NULL AND heartbeat_at < now() - make_interval(secs => $1)
      RETURNING id, kind, job_id, attempt`,
    [stallSeconds],
  );
  for (const row of rows) {
    const name = jobNameForKind(row.kind);
    await boss.fail(name, row.job_id, { reason: `no heartbeat for ${stallSeconds} s: the worker stopped` });
    const job = await boss.getJobById(name, row.job_id);
    // No retry left (failed), or nothing will run it again (completed/cancelled): the import ends here.
    if (!job || ['failed', 'completed', 'cancelled'].includes(job.state)) {
      await pool.query(
        `UPDATE imports SET state = 'failed', finished_at = now(), last_updated_at = now(),
                error_status = $3 WHERE id = $1 AND attempt = $2 AND state = 'queued'`,
        [row.id, row.attempt, `the import stopped ${row.attempt} times without finishing (its worker died or hung); giving up`],
      );
    }
    log.warn({ importId: row.id, attempt: row.attempt, retried: job?.state === 'retry' }, 'import lost its worker; handed back to the queue');
  }
  return rows.length;
}

/**
 * Hands an attempt this process is running back to the queue at once, because the worker is
 * stopping: the import goes back to queued and its job into a retry, as the reaper would do after
 * the stall timeout — but now, so another worker resumes it within seconds. A stop is no fault of
 * the import: when its job had no retry left, it gets one more. The attempt still running here is
 * fenced off (every write of an attempt requires its import to be `running` with its token).
 */
export async function releaseAttempt(pool: Pool, boss: PgBoss, importId: string, attempt: number, log: Logger): Promise<boolean> {
  const { rows } = await pool.query(
    `UPDATE imports SET state = 'queued', last_updated_at = now()
      WHERE id = $1 AND attempt = $2 AND state = 'running' AND job_id IS NOT NULL
      RETURNING kind, job_id`,
    [importId, attempt],
  );
  if (!rows[0]) return false;
  const name = jobNameForKind(rows[0].kind);
  await boss.fail(name, rows[0].job_id, { reason: 'the worker running it was stopped; handed back to the queue' });
  const job = await boss.getJobById(name, rows[0].job_id);
  if (job?.state === 'failed') await boss.retry(name, rows[0].job_id);
  log.info({ importId, attempt }, 'import handed back to the queue: this worker is stopping');
  return true;
}
