/**
 * Binds each job declared in jobs.ts to its handler on a worker's queue connection.
 */
import type PgBoss from 'pg-boss';
import { JOBS, type FileImportJob } from './jobs.js';
import { runFileImport, type FileImportDeps } from './run-file-import.js';

export async function registerHandlers(boss: PgBoss, deps: FileImportDeps, concurrency: number): Promise<void> {
  // Retry-safe: each attempt bumps the import's fencing token, clears what earlier attempts
  // staged and re-reads the stored file; only the latest attempt can commit, and the commit's
  // upserts on identity keys make a repeated commit a no-op.
  for (let i = 0; i < concurrency; i++) {
    await boss.work<FileImportJob>(JOBS.fileImport, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (!job) return;
      await runFileImport(deps, job.data.importId, { finalAttempt: job.retryCount >= job.retryLimit });
    });
  }
}
