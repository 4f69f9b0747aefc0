/**
 * Binds each job declared in jobs.ts to its handler on a worker's queue connection.
 */
import type PgBoss from 'pg-boss';
import { JOBS, type ApplicationImportJob, type BulkImportJob, type FileImportJob } from './jobs.js';
import { runApplicationImport } from '../connectors/run-application-import.js';
import { runFileImport, type FileImportDeps } from './run-file-import.js';
import { runBulkImport } from '../bulk/run-bulk-import.js';

export type HandlerDeps = FileImportDeps;

/** What a stopping worker needs to know about the jobs its handlers run. */
export interface RunningJobs {
  /** How many handlers are running a job right now. */
  count(): number;
}

export interface RegisteredHandlers extends RunningJobs {
  /** pg-boss's ids of this process's workers, by queue: the ones to wake when that queue gets a job. */
  workerIds: ReadonlyMap<string, readonly string[]>;
}

/**
 * `pollSeconds` is how often an idle handler looks for a job by itself; a job queued by Intake
 * wakes it at once (src/imports/job-wakeup.ts), so the poll is only the fallback.
 */
export async function registerHandlers(boss: PgBoss, deps: HandlerDeps, options: { concurrency: number; pollSeconds: number }): Promise<RegisteredHandlers> {
  const workOptions = { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollSeconds } as const;
  const workerIds = new Map<string, string[]>(Object.values(JOBS).map((name) => [name, []]));
  const remember = (name: string, workerId: string) => void workerIds.get(name)!.push(workerId);
  const running = new Set<Promise<void>>();
  const track = (work: Promise<void>): Promise<void> => {
    running.add(work);
    const forget = () => void running.delete(work);
    work.then(forget, forget);
    return work;
  };
  for (let i = 0; i < options.concurrency; i++) {
    // Retry-safe: each attempt bumps the import's fencing token, clears what earlier attempts
    // staged and re-reads the stored file; only the latest attempt can commit, and the commit's
    // upserts on identity keys make a repeated commit a no-op.
    remember(JOBS.fileImport, await boss.work<FileImportJob>(JOBS.fileImport, workOptions, async ([job]) => {
      if (!job) return;
      await track(runFileImport(deps, job.data.importId, { finalAttempt: job.retryCount >= job.retryLimit }));
    }));
    // Retry-safe: each object's outcome is committed with the object itself, and a retry resumes
    // after the last recorded object, so nothing is created twice.
    remember(JOBS.bulkImport, await boss.work<BulkImportJob>(JOBS.bulkImport, workOptions, async ([job]) => {
      if (!job) return;
      await track(runBulkImport(deps, job.data.importId, { finalAttempt: job.retryCount >= job.retryLimit }));
    }));
    // Retry-safe: an attempt first deletes the rows an earlier attempt loaded, and only the
    // attempt holding the fencing token can publish the build.
    remember(JOBS.applicationImport, await boss.work<ApplicationImportJob>(JOBS.applicationImport, workOptions, async ([job]) => {
      if (!job) return;
      await track(runApplicationImport(deps, job.data.importId, { finalAttempt: job.retryCount >= job.retryLimit }));
    }));
  }
  return { count: () => running.size, workerIds };
}
