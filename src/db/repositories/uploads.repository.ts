/** Uploaded files (images for rich-text fields) and the tenant each belongs to. */
import type { Queryable } from '../pool.js';

export interface UploadedFileRow {
  name: string;
  tenant_id: number;
  user_id: number;
  object_key: string;
  content_type: string | null;
  size: number;
  created_at: Date;
}

export async function insertUploadedFile(
  db: Queryable,
  file: { name: string; tenantId: number; userId: number; objectKey: string; contentType: string | null; size: number },
): Promise<void> {
  await db.query(
    'INSERT INTO uploaded_files (name, tenant_id, user_id, object_key, content_type, size) VALUES ($1, $2, $3, $4, $5, $6)',
    [file.name, file.tenantId, file.userId, file.objectKey, file.contentType, file.size],
  );
}

/** Another tenant's file is indistinguishable from a missing one. */
export async function findUploadedFile(db: Queryable, tenantId: number, name: string): Promise<UploadedFileRow | null> {
  const { rows } = await db.query('SELECT * FROM uploaded_files WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
  return rows[0] ?? null;
}
