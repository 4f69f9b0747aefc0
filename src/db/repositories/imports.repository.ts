/** Import rows and upload keys. Status queries are always scoped by tenant (and user for my-imports). */
import type { Queryable } from '../pool.js';
import type { ImportState } from '../../imports/import-state.js';

export interface ImportRow {
  id: string;
  kind: string;
  tenant_id: number;
  user_id: number;
  client_id: number | null;
  report_id: number | null;
  source: string;
  file_location: string;
  original_filename: string;
  file_type: string;
  file_size: number;
  parser_actions_enabled: boolean;
  processed_bytes: number;
  processed_findings: number;
  processed_assets: number;
  processed_finding_assets: number;
  processed_evidence: number;
  findings_created: number;
  findings_updated: number;
  findings_unchanged: number;
  asset_tags: string[];
  finding_tags: string[];
  state: ImportState;
  error_status: string | null;
  attempt: number;
  created_at: Date;
  last_updated_at: Date;
  failure_notified_at: Date | null;
}

export interface ImportListRow extends ImportRow {
  user_email: string;
  client_name: string | null;
  report_name: string | null;
}

export interface NewImport {
  id: string;
  tenantId: number;
  userId: number;
  clientId: number;
  reportId: number;
  source: string;
  fileLocation: string;
  originalFilename: string;
  fileType: string;
  fileSize: number;
  parserActionsEnabled: boolean;
  assetTags: string[];
  findingTags: string[];
}

export async function insertImport(db: Queryable, i: NewImport): Promise<ImportRow> {
  const { rows } = await db.query(
    `INSERT INTO imports (id, tenant_id, user_id, client_id, report_id, source, file_location, original_filename,
                          file_type, file_size, parser_actions_enabled, asset_tags, finding_tags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
    [i.id, i.tenantId, i.userId, i.clientId, i.reportId, i.source, i.fileLocation, i.originalFilename, i.fileType,
     i.fileSize, i.parserActionsEnabled, i.assetTags, i.findingTags],
  );
  return rows[0];
}

const LIST_COLUMNS = `i.*, u.email AS user_email, c.name AS client_name, r.name AS report_name
  FROM imports i JOIN users u ON u.id = i.user_id
  LEFT JOIN clients c ON c.id = i.client_id LEFT JOIN reports r ON r.id = i.report_id`;

export async function getImportForUser(db: Queryable, tenantId: number, userId: number, id: string): Promise<ImportListRow | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query(`SELECT ${LIST_COLUMNS} WHERE i.tenant_id = $1 AND i.user_id = $2 AND i.id = $3`, [tenantId, userId, id]);
  return rows[0] ?? null;
}

export async function listRecentImports(db: Queryable, tenantId: number, userId: number, limit: number): Promise<ImportListRow[]> {
  const { rows } = await db.query(
    `SELECT ${LIST_COLUMNS} WHERE i.tenant_id = $1 AND i.user_id = $2 AND i.kind = 'file'
     ORDER BY i.created_at DESC, i.id LIMIT $3`,
    [tenantId, userId, limit],
  );
  return rows;
}

export async function getImport(db: Queryable, id: string): Promise<ImportRow | null> {
  const { rows } = await db.query('SELECT * FROM imports WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/**
 * Starts a new attempt: bumps the fencing token and marks the import running. Returns null when
 * the import already ended (a duplicate delivery of a finished job).
 */
export async function beginAttempt(db: Queryable, id: string): Promise<ImportRow | null> {
  const { rows } = await db.query(
    `UPDATE imports SET attempt = attempt + 1, state = 'running', processed_bytes = 0, started_at = now(), heartbeat_at = now(),
            last_updated_at = now()
      WHERE id = $1 AND state IN ('queued', 'running') RETURNING *`,
    [id],
  );
  return rows[0] ?? null;
}

/** Records the source `auto` resolved to (or an alias's canonical name). */
export async function setImportSource(db: Queryable, id: string, attempt: number, source: string): Promise<void> {
  await db.query(`UPDATE imports SET source = $3, last_updated_at = now() WHERE id = $1 AND attempt = $2`, [id, attempt, source]);
}

/** Records progress; ignored when a newer attempt has taken over. */
export async function recordProgress(db: Queryable, id: string, attempt: number, processedBytes: number): Promise<void> {
  await db.query(
    `UPDATE imports SET processed_bytes = $3, last_updated_at = now() WHERE id = $1 AND attempt = $2 AND state = 'running'`,
    [id, attempt, processedBytes],
  );
}

/** Ends the import as failed; only the attempt that holds the fencing token may. */
export async function markFailed(db: Queryable, id: string, attempt: number, message: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE imports SET state = 'failed', error_status = $3, finished_at = now(), last_updated_at = now()
      WHERE id = $1 AND attempt = $2 AND state = 'running'`,
    [id, attempt, message],
  );
  return rowCount === 1;
}

export interface UploadKeyRow {
  key: string;
  tenant_id: number;
  user_id: number;
  file_name: string;
  max_bytes: number;
  expires_at: Date;
}

export async function insertUploadKey(
  db: Queryable,
  k: { key: string; tenantId: number; userId: number; fileName: string; maxBytes: number; expiresAt: Date },
): Promise<void> {
  await db.query('INSERT INTO upload_keys (key, tenant_id, user_id, file_name, max_bytes, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    k.key,
    k.tenantId,
    k.userId,
    k.fileName,
    k.maxBytes,
    k.expiresAt,
  ]);
}

/** The key if it was issued to this tenant and user; null otherwise (foreign keys look absent). */
export async function findUploadKey(db: Queryable, tenantId: number, userId: number, key: string): Promise<UploadKeyRow | null> {
  const { rows } = await db.query('SELECT * FROM upload_keys WHERE key = $1 AND tenant_id = $2 AND user_id = $3', [key, tenantId, userId]);
  return rows[0] ?? null;
}

/** Marks the key used by `importId`; false when an earlier import used it already. */
export async function claimUploadKey(db: Queryable, key: string, importId: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE upload_keys SET used_at = now(), used_by_import = $2 WHERE key = $1 AND used_at IS NULL', [key, importId]);
  return rowCount === 1;
}

export async function findUploadKeyAnyOwner(db: Queryable, key: string): Promise<UploadKeyRow | null> {
  const { rows } = await db.query('SELECT * FROM upload_keys WHERE key = $1', [key]);
  return rows[0] ?? null;
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
