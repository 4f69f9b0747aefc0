/** Application imports (imports.kind = 'application'), their files and their loaded records. */
import type { Queryable } from '../pool.js';
import type { ImportState } from '../../imports/import-state.js';

export interface ApplicationImportRow {
  id: string;
  tenant_id: number;
  user_id: number;
  application_id: string;
  import_number: number;
  import_type: string;
  created_by: string;
  state: ImportState;
  cancel_requested: boolean;
  error_status: string | null;
  build_log: string | null;
  metrics: Record<string, unknown> | null;
  attempt: number;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  // joined
  application_name: string;
  application_archived: boolean;
  application_updated_at: Date;
}

export interface ImportFileRow {
  id: string;
  import_id: string;
  file_group_id: string;
  name: string;
  location: string;
  size: number;
  file_group_name: string;
  position: number;
}

const SELECT = `SELECT i.id, i.tenant_id, i.user_id, i.application_id, i.import_number, i.import_type, i.created_by, i.state,
       i.cancel_requested, i.error_status, i.build_log, i.metrics, i.attempt, i.started_at, i.finished_at, i.created_at,
       a.name AS application_name, a.is_archived AS application_archived, a.updated_at AS application_updated_at
  FROM imports i JOIN applications a ON a.id = i.application_id`;

/** Creates the import row with the application's next sequential number. */
export async function insertApplicationImport(
  db: Queryable,
  i: { id: string; tenantId: number; userId: number; applicationId: string; type: string; createdBy: string; totalSize: number },
): Promise<void> {
  const { rows } = await db.query('UPDATE applications SET import_counter = import_counter + 1 WHERE id = $1 RETURNING import_counter', [i.applicationId]);
  await db.query(
    `INSERT INTO imports (id, kind, tenant_id, user_id, source, file_location, original_filename, file_type, file_size,
                          application_id, import_number, import_type, created_by)
     VALUES ($1, 'application', $2, $3, 'csv', '', '', 'text/csv', $4, $5, $6, $7, $8)`,
    [i.id, i.tenantId, i.userId, i.totalSize, i.applicationId, rows[0].import_counter, i.type, i.createdBy],
  );
}

export async function insertImportFile(db: Queryable, f: { id: string; importId: string; fileGroupId: string; name: string; location: string; size: number }): Promise<void> {
  await db.query('INSERT INTO application_import_files (id, import_id, file_group_id, name, location, size) VALUES ($1, $2, $3, $4, $5, $6)', [
    f.id,
    f.importId,
    f.fileGroupId,
    f.name,
    f.location,
    f.size,
  ]);
}

export async function getApplicationImport(db: Queryable, tenantId: number, id: string): Promise<ApplicationImportRow | null> {
  const { rows } = await db.query(`${SELECT} WHERE i.kind = 'application' AND i.tenant_id = $1 AND i.id = $2`, [tenantId, id]);
  return rows[0] ?? null;
}

export async function listApplicationImports(
  db: Queryable,
  tenantId: number,
  filter: { applicationId?: string; offset: number; limit: number },
): Promise<{ rows: ApplicationImportRow[]; total: number }> {
  const where = `i.kind = 'application' AND i.tenant_id = $1 AND ($2::uuid IS NULL OR i.application_id = $2::uuid)`;
  const params = [tenantId, filter.applicationId ?? null];
  const { rows } = await db.query(`${SELECT} WHERE ${where} ORDER BY i.created_at DESC, i.import_number DESC LIMIT $3 OFFSET $4`, [...params, filter.limit, filter.offset]);
  const { rows: count } = await db.query(`SELECT count(*)::int AS total FROM imports i WHERE ${where}`, params);
  return { rows, total: count[0].total };
}

export async function listImportFiles(db: Queryable, importIds: string[]): Promise<ImportFileRow[]> {
  if (importIds.length === 0) return [];
  const { rows } = await db.query(
    `SELECT f.*, g.name AS file_group_name, g.position FROM application_import_files f
       JOIN connector_file_groups g ON g.id = f.file_group_id
      WHERE f.import_id = ANY($1::uuid[]) ORDER BY g.position, f.name`,
    [importIds],
  );
  return rows;
}

/** The newest import of the application that has files (for POST /stage). */
export async function latestUploadOf(db: Queryable, applicationId: string): Promise<string | null> {
  const { rows } = await db.query(
    `SELECT i.id FROM imports i WHERE i.application_id = $1 AND EXISTS (SELECT 1 FROM application_import_files f WHERE f.import_id = i.id)
      ORDER BY i.import_number DESC LIMIT 1`,
    [applicationId],
  );
  return rows[0]?.id ?? null;
}

/**
 * Asks an unfinished import to stop: a queued one is canceled at once (no worker has it), a
 * running one is marked and its worker stops at its next batch. Returns false when it had ended.
 */
export async function requestCancel(db: Queryable, tenantId: number, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE imports SET cancel_requested = true,
            state = CASE WHEN state = 'queued' THEN 'canceled' ELSE state END,
            finished_at = CASE WHEN state = 'queued' THEN now() ELSE finished_at END,
            last_updated_at = now()
      WHERE kind = 'application' AND tenant_id = $1 AND id = $2 AND state IN ('queued', 'running')`,
    [tenantId, id],
  );
  return rowCount === 1;
}
