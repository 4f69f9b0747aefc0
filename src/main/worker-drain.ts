/**
 * How a worker stops (SIGTERM, or its parent `intake serve` gone): it takes no new job, lets the
 * running ones finish for up to the grace period (INTAKE_SHUTDOWN_GRACE_SECONDS), then hands the
 * rest back to the queue so that another worker resumes them at once, rather than after the stall
 * timeout. Nothing is lost either way: an attempt cut off later is fenced, and retried.
 */
import type PgBoss from 'pg-boss';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../logging.js';
import { JOBS } from '../imports/jobs.js';
import type { RunningJobs } from '../imports/handlers.js';
import { attemptsInProgress } from '../imports/heartbeat.js';
import { releaseAttempt } from '../imports/stalled-imports.js';

export async function drainWorker(boss: PgBoss, pool: Pool, jobs: RunningJobs, graceMs: number, log: Logger): Promise<void> {
  for (const name of Object.values(JOBS)) await boss.offWork(name);
  const deadline = Date.now() + graceMs;
  if (jobs.count() > 0) log.info({ running: jobs.count(), graceMs }, 'waiting for running imports to finish');
  while (jobs.count() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));

  for (const { importId, attempt } of attemptsInProgress()) {
    await releaseAttempt(pool, boss, importId, attempt, log).catch((error) =>
      // The database may be what is failing: the reaper of another worker will hand it back later.
      log.warn({ importId, attempt, err: error }, 'could not hand the import back; another worker will after the stall timeout'),
    );
  }
  // Whatever is still running has been handed back: do not wait for it.
  await boss.stop({ graceful: false, close: true }).catch((error) => log.warn({ err: error }, 'the queue did not stop cleanly'));
}
