/**
 * Every queue job Intake runs is declared here: its name, payload and queue options. Handlers live
 * in src/imports/handlers.ts and say whether a retry is safe.
 */
import PgBoss from 'pg-boss';
import type { Queryable } from '../db/pool.js';

export const JOBS = {
  /** Parse one uploaded scanner file into a report. Payload: FileImportJob. */
  fileImport: 'file-import',
  /** Create the objects of one bulk import request. Payload: BulkImportJob. */
  bulkImport: 'bulk-import',
  /** Build one application import from its uploaded CSV files. Payload: ApplicationImportJob. */
  applicationImport: 'application-import',
} as const;

/**
 * Channel on which queuing a job wakes the workers at once (payload: the queue's name), rather
 * than leaving the job to their next poll; see src/imports/job-wakeup.ts.
 */
export const JOB_WAKEUP_CHANNEL = 'intake_jobs';

export interface ApplicationImportJob {
  importId: string;
}

export interface FileImportJob {
  importId: string;
}

export interface BulkImportJob {
  importId: string;
}

export interface QueueSettings {
  retryLimit: number;
  expireInSeconds: number;
}

export function createBoss(connectionString: string, options: { supervise: boolean; max?: number; connectTimeoutMs?: number }): PgBoss {
  // pg-boss hands its options on to pg.Pool, which takes these too (pg-boss's types omit them):
  // while the database is down, polls fail fast and are tried again instead of piling up.
  const poolOptions = { connectionTimeoutMillis: options.connectTimeoutMs ?? 0, keepAlive: true };
  return new PgBoss({
    connectionString,
    max: options.max ?? 4,
    ...poolOptions,
    application_name: 'intake-queue',
    supervise: options.supervise,
    schedule: false,
    // Finished jobs are only useful for debugging; the import row keeps the outcome.
    deleteAfterDays: 7,
  });
}

/** Creates (or updates) the queues with the configured retry and expiry policy. Idempotent. */
export async function ensureQueues(boss: PgBoss, settings: QueueSettings): Promise<void> {
  const options = { retryLimit: settings.retryLimit, retryDelay: 2, retryBackoff: true, expireInSeconds: settings.expireInSeconds };
  for (const name of Object.values(JOBS)) {
    await boss.createQueue(name, { name, ...options });
    await boss.updateQueue(name, { name, ...options });
  }
}

/** The queue that runs imports of a kind (`imports.kind`). */
export function jobNameForKind(kind: string): string {
  if (kind === 'bulk') return JOBS.bulkImport;
  if (kind === 'application') return JOBS.applicationImport;
  return JOBS.fileImport;
}

/**
 * Queues the job of an import inside the transaction that created its row, and records the job's
 * id on the row (the stalled-import reaper needs it).
 */
export async function queueImport(boss: PgBoss, tx: Queryable, name: string, importId: string, options: { retryLimit?: number } = {}): Promise<void> {
  const jobId = await sendInTransaction(boss, tx, name, { importId }, options);
  await tx.query('UPDATE imports SET job_id = $2 WHERE id = $1', [importId, jobId]);
}

/**
 * Sends a job inside the caller's transaction, so that the row it belongs to and the job are
 * committed together or not at all, and wakes the workers of its queue.
 */
export async function sendInTransaction<T extends object>(boss: PgBoss, tx: Queryable, name: string, data: T, options: { retryLimit?: number } = {}): Promise<string> {
  const db = { executeSql: (text: string, values: unknown[]) => tx.query(text, values) };
  // Without a retryLimit of its own, the job gets its queue's (ensureQueues).
  const id = await boss.send(name, data, { db, ...(options.retryLimit === undefined ? {} : { retryLimit: options.retryLimit }) });
  if (!id) throw new Error(`the queue refused job ${name}`);
  await wakeWorkers(tx, name);
  return id;
}

/**
 * Tells every listening worker that queue `name` has a job. Sent inside a transaction, the
 * notification is delivered at its commit — when the job becomes visible — and not at all if it
 * rolls back. A missed notification costs only latency: the workers' polls find the job anyway.
 */
export async function wakeWorkers(db: Queryable, name: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [JOB_WAKEUP_CHANNEL, name]);
}
