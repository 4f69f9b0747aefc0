/** The rows an application's current import loaded, by the role of their file group. */
import type { Queryable } from '../pool.js';

export async function listApplicationRecords(
  db: Queryable,
  importId: string | null,
  role: 'accounts' | 'privileges',
  offset: number,
  limit: number,
): Promise<{ rows: Record<string, unknown>[]; total: number }> {
  if (!importId) return { rows: [], total: 0 };
  // Only the rows of the attempt that published the build: a worker presumed dead may have left
  // rows of an earlier attempt behind (see record-writer.ts).
  const from = `FROM application_records r JOIN connector_file_groups g ON g.id = r.file_group_id
                WHERE r.import_id = $1 AND r.attempt = (SELECT attempt FROM imports WHERE id = $1) AND g.role = $2`;
  const { rows } = await db.query(`SELECT r.data ${from} ORDER BY r.file_group_id, r.line LIMIT $3 OFFSET $4`, [importId, role, limit, offset]);
  const { rows: count } = await db.query(`SELECT count(*)::int AS total ${from}`, [importId, role]);
  return { rows: rows.map((r) => r.data), total: count[0].total };
}
