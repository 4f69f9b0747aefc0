/**
 * Write side of findings made or changed through the API (PlexTrac's flaw create/update/delete).
 * Scoped by tenant and report like the read side; a title clash of manual findings is reported as
 * `null` (no row), not as a database error.
 */
import type { Queryable } from '../pool.js';
import type { FindingRow } from './findings.repository.js';

export interface NewFinding {
  tenantId: number;
  clientId: number;
  reportId: number;
  source: string;
  toolKey: string;
  title: string;
  severity: string;
  status: string;
  data: Record<string, unknown>;
  tags: string[];
}

/** The new finding, or null when the report already has one with this (source, key). */
export async function insertFinding(db: Queryable, f: NewFinding): Promise<FindingRow | null> {
  const { rows } = await db.query(
    `INSERT INTO findings (tenant_id, client_id, report_id, source, tool_key, title, severity, status, data, tags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (report_id, source, tool_key) DO NOTHING RETURNING *`,
    [f.tenantId, f.clientId, f.reportId, f.source, f.toolKey, f.title, f.severity, f.status, f.data, f.tags],
  );
  return rows[0] ?? null;
}

export interface FindingChange {
  toolKey?: string;
  title?: string;
  severity?: string;
  status?: string;
  tags?: string[];
  /** Members of `data` to set; members not named keep their values. */
  data: Record<string, unknown>;
}

export type UpdateOutcome = { updated: FindingRow } | { missing: true } | { clash: true };

export async function updateFinding(db: Queryable, tenantId: number, reportId: number, findingId: number, c: FindingChange): Promise<UpdateOutcome> {
  try {
    const { rows } = await db.query(
      `UPDATE findings SET tool_key = COALESCE($4, tool_key), title = COALESCE($5, title), severity = COALESCE($6, severity),
              status = COALESCE($7, status), tags = COALESCE($8, tags), data = data || $9::jsonb, updated_at = now()
        WHERE tenant_id = $1 AND report_id = $2 AND id = $3 RETURNING *`,
      [tenantId, reportId, findingId, c.toolKey ?? null, c.title ?? null, c.severity ?? null, c.status ?? null, c.tags ?? null, c.data],
    );
    return rows[0] ? { updated: rows[0] } : { missing: true };
  } catch (error) {
    // unique_violation on (report_id, source, tool_key): another manual finding has that title.
    if ((error as { code?: string }).code === '23505') return { clash: true };
    throw error;
  }
}

/** Deletes the finding with its links and evidence (ON DELETE CASCADE); false when absent. */
export async function deleteFinding(db: Queryable, tenantId: number, reportId: number, findingId: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM findings WHERE tenant_id = $1 AND report_id = $2 AND id = $3', [tenantId, reportId, findingId]);
  return (rowCount ?? 0) > 0;
}
