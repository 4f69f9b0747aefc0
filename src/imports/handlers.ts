/**
 * Binds each job declared in jobs.ts to its handler on a worker's queue connection.
 */
import type PgBoss from 'pg-boss';
import { JOBS, type ApplicationImportJob, type BulkImportJob, type FileImportJob } from './jobs.js';
import { runApplicationImport } from '../connectors/run-application-import.js';
import { runFileImport, type FileImportDeps } from './run-file-import.js';
import { runBulkImport } from '../bulk/run-bulk-import.js';

export type HandlerDeps = FileImportDeps;

const WORK_OPTIONS = { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: 0.5 } as const;

/** What a stopping worker needs to know about the jobs its handlers run. */
export interface RunningJobs {
  /** How many handlers are running a job right now. */
  count(): number;
}

export async function registerHandlers(boss: PgBoss, deps: HandlerDeps, concurrency: number): Promise<RunningJobs> {
  const running = new Set<Promise<void>>();
  const track = (work: Promise<void>): Promise<void> => {
    running.add(work);
    const forget = () => void running.delete(work);
    work.then(forget, forget);
    return work;
  };
  for (let i = 0; i < concurrency; i++) {
    // Retry-safe: each attempt bumps the import's fencing token, clears what earlier attempts
    // staged and re-reads the stored file; only the latest attempt can commit, and the commit's
    // upserts on identity keys make a repeated commit a no-op.
    await boss.work<FileImportJob>(JOBS.fileImport, WORK_OPTIONS, async ([job]) => {
      if (!job) return;
      await track(runFileImport(deps, job.data.importId, { finalAttempt: job.retryCount >= job.retryLimit }));
    });
    // Retry-safe: each object's outcome is committed with the object itself, and a retry resumes
    // after the last recorded object, so nothing is created twice.
    await boss.work<BulkImportJob>(JOBS.bulkImport, WORK_OPTIONS, async ([job]) => {
      if (!job) return;
      await track(runBulkImport(deps, job.data.importId, { finalAttempt: job.retryCount >= job.retryLimit }));
    });
    // Retry-safe: an attempt first deletes the rows an earlier attempt loaded, and only the
    // attempt holding the fencing token can publish the build.
    await boss.work<ApplicationImportJob>(JOBS.applicationImport, WORK_OPTIONS, async ([job]) => {
      if (!job) return;
      await track(runApplicationImport(deps, job.data.importId, { finalAttempt: job.retryCount >= job.retryLimit }));
    });
  }
  return { count: () => running.size };
}
