/** Rows of bulk imports (kind = 'bulk' in imports), their per-object results and idempotency keys. */
import type { Queryable } from '../db/pool.js';
import type { ImportState } from '../imports/import-state.js';

export interface BulkImportRow {
  id: string;
  tenant_id: number;
  user_id: number;
  source: string;
  file_location: string;
  state: ImportState;
  error_status: string | null;
  attempt: number;
  total_objects: number;
  processed_objects: number;
  created_objects: number;
  failed_objects: number;
  report_location: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export async function insertBulkImport(
  db: Queryable,
  i: { id: string; tenantId: number; userId: number; kind: string; fileLocation: string; fileSize: number; total: number },
): Promise<void> {
  await db.query(
    `INSERT INTO imports (id, kind, tenant_id, user_id, source, file_location, original_filename, file_type, file_size, total_objects)
     VALUES ($1, 'bulk', $2, $3, $4, $5, 'request.json', 'application/json', $6, $7)`,
    [i.id, i.tenantId, i.userId, i.kind, i.fileLocation, i.fileSize, i.total],
  );
}

export async function getBulkImport(db: Queryable, tenantId: number, id: string): Promise<BulkImportRow | null> {
  const { rows } = await db.query(`SELECT * FROM imports WHERE kind = 'bulk' AND tenant_id = $1 AND id = $2`, [tenantId, id]);
  return rows[0] ?? null;
}

export async function activeBulkImport(db: Queryable, userId: number): Promise<BulkImportRow | null> {
  const { rows } = await db.query(`SELECT * FROM imports WHERE kind = 'bulk' AND user_id = $1 AND state IN ('queued', 'running') LIMIT 1`, [userId]);
  return rows[0] ?? null;
}

export async function findIdempotencyKey(
  db: Queryable,
  userId: number,
  key: string,
): Promise<{ request_hash: string; import_id: string; created_at: Date } | null> {
  const { rows } = await db.query('SELECT request_hash, import_id, created_at FROM idempotency_keys WHERE user_id = $1 AND key = $2', [userId, key]);
  return rows[0] ?? null;
}

export async function insertIdempotencyKey(db: Queryable, k: { userId: number; key: string; requestHash: string; importId: string }): Promise<void> {
  // A key older than the window may be reused: the old record gives way.
  await db.query(
    `INSERT INTO idempotency_keys (user_id, key, request_hash, import_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash, import_id = excluded.import_id, created_at = now()
     WHERE idempotency_keys.created_at < now() - interval '24 hours'`,
    [k.userId, k.key, k.requestHash, k.importId],
  );
}

export interface BulkResult {
  inputIndex: number;
  status: 'created' | 'failed';
  objectId: string | null;
  failureReason: string | null;
  inputPreview: string;
}

export async function insertBulkResults(db: Queryable, importId: string, results: BulkResult[]): Promise<void> {
  if (results.length === 0) return;
  await db.query(
    `INSERT INTO bulk_results (import_id, input_index, status, object_id, failure_reason, input_preview)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      importId,
      results.map((r) => r.inputIndex),
      results.map((r) => r.status),
      results.map((r) => r.objectId),
      results.map((r) => r.failureReason),
      results.map((r) => r.inputPreview),
    ],
  );
}

/** How many objects earlier attempts finished: a retry resumes after them. */
export async function countBulkResults(db: Queryable, importId: string): Promise<{ processed: number; created: number; failed: number }> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS processed, count(*) FILTER (WHERE status = 'created')::int AS created,
            count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM bulk_results WHERE import_id = $1`,
    [importId],
  );
  return rows[0];
}

export async function* bulkResultsInOrder(db: Queryable, importId: string, pageSize = 500): AsyncGenerator<BulkResult> {
  for (let after = 0; ; ) {
    const { rows } = await db.query(
      `SELECT input_index, status, object_id, failure_reason, input_preview FROM bulk_results
        WHERE import_id = $1 AND input_index > $2 ORDER BY input_index LIMIT $3`,
      [importId, after, pageSize],
    );
    for (const r of rows) {
      yield { inputIndex: r.input_index, status: r.status, objectId: r.object_id, failureReason: r.failure_reason, inputPreview: r.input_preview };
    }
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].input_index;
  }
}
