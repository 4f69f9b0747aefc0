/**
 * The worker side of a bulk import: validate and create each object, recording its outcome in
 * the same transaction as the object, then write the CSV report. A retry resumes after the last
 * recorded object, so no object is created twice and the summary equals a clean run's. The stored
 * request is deleted once the job's final state is committed (bulk-request.ts).
 */
import { Readable } from 'node:stream';
import type { Pool, PoolClient } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import type { Logger } from '../logging.js';
import type { ObjectStore } from '../storage/object-store.js';
import { AppError } from '../errors/app-error.js';
import { beginAttempt, markFailed } from '../db/repositories/imports.repository.js';
import { StaleAttemptError } from '../imports/stale-attempt.js';
import { startHeartbeat } from '../imports/heartbeat.js';
import { getObjectKind } from './object-kinds.js';
import type { ObjectKind } from './object-kind.js';
import { ObjectInvalid, typeName } from './rules.js';
import { bulkResultsInOrder, countBulkResults, insertBulkResults, type BulkResult } from './bulk.repository.js';
import { csvLine } from './csv-cell.js';
import { deleteRequest, readRequest } from './bulk-request.js';

/**
 * Objects created per transaction: small enough to keep progress moving, large enough to be quick
 * (a kind's createMany makes a batch a few statements, whatever its size).
 */
const BATCH = 200;
const PREVIEW_CHARS = 200;

export interface BulkImportDeps {
  pool: Pool;
  store: ObjectStore;
  log: Logger;
  heartbeatSeconds: number;
}

export async function runBulkImport(deps: BulkImportDeps, importId: string, options: { finalAttempt: boolean }): Promise<void> {
  const { pool, log } = deps;
  const row = await beginAttempt(pool, importId);
  if (!row) return;
  const attempt = row.attempt;
  const stopHeartbeat = startHeartbeat(pool, importId, attempt, deps.heartbeatSeconds, log);
  try {
    const kind = getObjectKind(row.source);
    if (!kind) throw new AppError('OBJECT_KIND_UNKNOWN', `cannot import objects of kind "${row.source}"`);
    const started = performance.now();
    const objects = await readRequest(deps.store, row.file_location);
    const done = await countBulkResults(pool, importId);
    for (let start = done.processed; start < objects.length; start += BATCH) {
      await withTransaction(pool, async (tx) => {
        await holdAttempt(tx, importId, attempt);
        const results = await createBatch(tx, kind, row.tenant_id, objects.slice(start, start + BATCH), start + 1);
        await insertBulkResults(tx, importId, results);
        await tx.query(
          `UPDATE imports SET processed_objects = processed_objects + $2, created_objects = created_objects + $3,
                  failed_objects = failed_objects + $4, last_updated_at = now() WHERE id = $1`,
          [importId, results.length, results.filter((r) => r.status === 'created').length, results.filter((r) => r.status === 'failed').length],
        );
      });
    }
    const created = performance.now();
    const reportKey = `r${importId.replace(/-/g, '')}/import-report.csv`;
    await deps.store.put(reportKey, Readable.from(reportLines(pool, importId)), { contentType: 'text/csv' });
    await complete(pool, importId, attempt, reportKey);
    await deleteRequest(deps.store, row.file_location, log, importId);
    const timings = { createMs: Math.round(created - started), reportMs: Math.round(performance.now() - created) };
    log.info({ importId, attempt, ...timings, ...(await countBulkResults(pool, importId)) }, 'bulk import complete');
  } catch (error) {
    if (error instanceof StaleAttemptError) return;
    const deterministic = error instanceof AppError && ['OBJECT_KIND_UNKNOWN', 'OBJECT_NOT_FOUND', 'BULK_BODY_INVALID'].includes(error.code);
    if (!deterministic && !options.finalAttempt) {
      log.warn({ importId, attempt, err: error }, 'bulk import attempt failed; the queue will retry it');
      throw error;
    }
    const message = deterministic ? (error as Error).message : `the import job failed after ${attempt} attempts: ${(error as Error).message}`;
    // Only when this attempt's Failed is committed: had a newer attempt taken over, it still reads the request.
    if (await markFailed(pool, importId, attempt, message)) await deleteRequest(deps.store, row.file_location, log, importId);
    log.warn({ importId, attempt, message }, 'bulk import failed');
  } finally {
    stopHeartbeat();
  }
}

/** Locks the import row for this batch and checks this attempt still owns the job (fencing). */
async function holdAttempt(tx: PoolClient, importId: string, attempt: number): Promise<void> {
  const { rows } = await tx.query('SELECT attempt, state FROM imports WHERE id = $1 FOR UPDATE', [importId]);
  if (rows[0]?.attempt !== attempt || rows[0]?.state !== 'running') throw new StaleAttemptError(importId, attempt);
}

/**
 * Validates and creates the objects of one batch (`firstIndex` is the first one's inputIndex). The
 * kind's createMany, when it has one, creates at once the objects sure to succeed; the rest, and
 * all of them should createMany fail, go one at a time through createOne, which says why each fails.
 */
async function createBatch(tx: PoolClient, kind: ObjectKind, tenantId: number, inputs: unknown[], firstIndex: number): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  const valid: { at: number; value: unknown }[] = [];
  inputs.forEach((input, at) => {
    const checked = validateOne(kind, input, firstIndex + at);
    if ('status' in checked) results[at] = checked;
    else valid.push({ at, value: checked.value });
  });
  if (kind.createMany && valid.length > 1) {
    const ids = await createManyOrNothing(tx, kind, tenantId, valid.map((v) => v.value));
    ids?.forEach((objectId, k) => {
      const { at } = valid[k]!;
      if (objectId !== null) results[at] = { inputIndex: firstIndex + at, status: 'created', objectId, failureReason: null, inputPreview: previewOf(inputs[at]) };
    });
  }
  for (const { at, value } of valid) {
    results[at] ??= await createOne(tx, kind, tenantId, value, firstIndex + at, previewOf(inputs[at]));
  }
  return results;
}

/** createMany under a savepoint: should it fail, nothing of it stays, and null says so. */
async function createManyOrNothing(tx: PoolClient, kind: ObjectKind, tenantId: number, values: unknown[]): Promise<(string | null)[] | null> {
  await tx.query('SAVEPOINT bulk_batch');
  try {
    const ids = await kind.createMany!(tx, tenantId, values);
    await tx.query('RELEASE SAVEPOINT bulk_batch');
    return ids;
  } catch {
    // One object's bad value fails the whole statement: one at a time, it fails only that object
    // (or, if it fails everything, createOne rethrows it).
    await tx.query('ROLLBACK TO SAVEPOINT bulk_batch');
    return null;
  }
}

/** The object's checked value, or its failed result. */
function validateOne(kind: ObjectKind, input: unknown, inputIndex: number): { value: unknown } | BulkResult {
  const failed = (failureReason: string): BulkResult => ({ inputIndex, status: 'failed', objectId: null, failureReason, inputPreview: previewOf(input) });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return failed(`The object must be a JSON object; found ${typeName(input)}.`);
  try {
    return { value: kind.validate(input as Record<string, unknown>) };
  } catch (error) {
    if (error instanceof ObjectInvalid) return failed(error.reason);
    throw error;
  }
}

async function createOne(tx: PoolClient, kind: ObjectKind, tenantId: number, value: unknown, inputIndex: number, inputPreview: string): Promise<BulkResult> {
  // A savepoint per object: one object's failure must not undo the others in its batch.
  await tx.query('SAVEPOINT bulk_object');
  try {
    const objectId = await kind.create(tx, tenantId, value);
    await tx.query('RELEASE SAVEPOINT bulk_object');
    return { inputIndex, status: 'created', objectId, failureReason: null, inputPreview };
  } catch (error) {
    await tx.query('ROLLBACK TO SAVEPOINT bulk_object');
    if (error instanceof ObjectInvalid) return { inputIndex, status: 'failed', objectId: null, failureReason: error.reason, inputPreview };
    // Another request created the same object between our check and our insert.
    if ((error as { code?: string }).code === '23505') {
      return { inputIndex, status: 'failed', objectId: null, failureReason: 'An object with the same identity already exists.', inputPreview };
    }
    throw error;
  }
}

function previewOf(input: unknown): string {
  const json = JSON.stringify(input) ?? String(input);
  return json.length > PREVIEW_CHARS ? `${json.slice(0, PREVIEW_CHARS - 3)}...` : json;
}

async function* reportLines(pool: Pool, importId: string): AsyncGenerator<string> {
  yield csvLine(['inputIndex', 'status', 'objectId', 'failureReason', 'inputPreview']);
  for await (const r of bulkResultsInOrder(pool, importId)) {
    yield csvLine([r.inputIndex, r.status, r.objectId, r.failureReason, r.inputPreview]);
  }
}

async function complete(pool: Pool, importId: string, attempt: number, reportKey: string): Promise<void> {
  const { rowCount } = await pool.query(
    `UPDATE imports SET state = 'succeeded', report_location = $3, finished_at = now(), last_updated_at = now(),
            processed_objects = (SELECT count(*) FROM bulk_results WHERE import_id = $1),
            created_objects = (SELECT count(*) FROM bulk_results WHERE import_id = $1 AND status = 'created'),
            failed_objects = (SELECT count(*) FROM bulk_results WHERE import_id = $1 AND status = 'failed')
      WHERE id = $1 AND attempt = $2 AND state = 'running'`,
    [importId, attempt, reportKey],
  );
  if (rowCount !== 1) throw new StaleAttemptError(importId, attempt);
}
