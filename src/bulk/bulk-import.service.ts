/**
 * The api side of bulk object imports (spec 4): check the request, store its body as an object,
 * and create the import row, its idempotency record and its queue job in one transaction. The
 * objects themselves are validated and created by a worker (run-bulk-import.ts), which deletes the
 * stored body once the job has ended.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type PgBoss from 'pg-boss';
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import type { ObjectStore } from '../storage/object-store.js';
import { JOBS, queueImport } from '../imports/jobs.js';
import { getObjectKind, listObjectKinds } from './object-kinds.js';
import { requestKeyOf } from './bulk-request.js';
import { activeBulkImport, findIdempotencyKey, insertBulkImport, insertIdempotencyKey, type BulkImportRow } from './bulk.repository.js';

export const MAX_OBJECTS = 1000;
/** An Idempotency-Key names the same request for this long. */
const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

export interface BulkCaller {
  tenantId: number;
  userId: number;
}

export function requestIdOf(importId: string): string {
  return `import-${importId}`;
}

export function importIdOf(requestId: string): string | null {
  const match = /^import-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(requestId);
  return match ? match[1]!.toLowerCase() : null;
}

export class BulkImportService {
  constructor(private readonly pool: Pool, private readonly boss: PgBoss, private readonly store: ObjectStore) {}

  /** Returns the request id of the new job, or of the earlier one with the same Idempotency-Key. */
  async start(caller: BulkCaller, firmId: number, kindName: string, body: unknown, idempotencyKey?: string): Promise<{ importId: string; replayed: boolean }> {
    if (firmId !== caller.tenantId) throw new AppError('FIRM_NOT_FOUND', `firm ${firmId} not found`);
    if (!getObjectKind(kindName)) {
      throw new AppError('OBJECT_KIND_UNKNOWN', `cannot import "${kindName}"; objects that can be imported: ${listObjectKinds().join(', ')}`);
    }
    const objects = checkBody(body);
    const json = JSON.stringify(objects);
    const requestHash = createHash('sha256').update(kindName).update('\0').update(json).digest('hex');
    if (idempotencyKey !== undefined) {
      const earlier = await this.replay(caller, idempotencyKey, requestHash);
      if (earlier) return { importId: earlier, replayed: true };
    }

    const importId = randomUUID();
    const key = requestKeyOf(importId);
    const { size } = await this.store.put(key, Readable.from([Buffer.from(json)]), { contentType: 'application/json' });
    try {
      await withTransaction(this.pool, async (tx) => {
        await insertBulkImport(tx, { id: importId, tenantId: caller.tenantId, userId: caller.userId, kind: kindName, fileLocation: key, fileSize: size, total: objects.length });
        if (idempotencyKey !== undefined) await insertIdempotencyKey(tx, { userId: caller.userId, key: idempotencyKey, requestHash, importId });
        await queueImport(this.boss, tx, JOBS.bulkImport, importId);
      });
    } catch (error) {
      await this.store.delete(key).catch(() => {});
      const outcome = await this.explainConflict(caller, error, idempotencyKey, requestHash);
      if (typeof outcome === 'string') return { importId: outcome, replayed: true };
      throw outcome;
    }
    return { importId, replayed: false };
  }

  private async replay(caller: BulkCaller, key: string, requestHash: string): Promise<string | null> {
    const earlier = await findIdempotencyKey(this.pool, caller.userId, key);
    if (!earlier || Date.now() - earlier.created_at.getTime() > IDEMPOTENCY_WINDOW_MS) return null;
    if (earlier.request_hash !== requestHash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', `the Idempotency-Key "${key}" was already used with a different request body (${requestIdOf(earlier.import_id)})`);
    }
    return earlier.import_id;
  }

  /**
   * Turns the database's refusal of a second active job into a clear error; a request that lost a
   * race on its own Idempotency-Key gets the winner's import id instead.
   */
  private async explainConflict(caller: BulkCaller, error: unknown, idempotencyKey: string | undefined, requestHash: string): Promise<unknown> {
    const constraint = (error as { constraint?: string }).constraint;
    if (idempotencyKey !== undefined && (constraint === 'idempotency_keys_pkey' || constraint === 'imports_one_active_bulk_per_user')) {
      const earlier = await this.replay(caller, idempotencyKey, requestHash);
      if (earlier) return earlier;
    }
    if (constraint === 'imports_one_active_bulk_per_user') {
      const active: BulkImportRow | null = await activeBulkImport(this.pool, caller.userId);
      return new AppError(
        'BULK_JOB_ACTIVE',
        `you already have an import job in progress (${active ? requestIdOf(active.id) : 'another request'}); wait until it is Completed or Failed`,
        { cause: error },
      );
    }
    return error;
  }
}

function checkBody(body: unknown): unknown[] {
  if (!Array.isArray(body)) {
    const found = body === null || body === undefined ? 'nothing' : Array.isArray(body) ? 'an array' : typeof body === 'object' ? 'an object' : `a ${typeof body}`;
    throw new AppError('BULK_BODY_INVALID', `the request body must be a JSON array of 1 to ${MAX_OBJECTS} objects; found ${found}`);
  }
  if (body.length === 0) throw new AppError('BULK_BODY_INVALID', `the request body must be a JSON array of 1 to ${MAX_OBJECTS} objects; found an empty array`);
  if (body.length > MAX_OBJECTS) {
    throw new AppError('BULK_TOO_MANY_OBJECTS', `a bulk import takes at most ${MAX_OBJECTS} objects per request; found ${body.length}`);
  }
  return body;
}
