/**
 * Parser actions: per tenant, what to do with each (source, tool id) an import meets. Rows are
 * recorded by an import's commit (DEFAULT); users change the action, severity and linked writeup.
 */
import type { Queryable } from '../pool.js';

export type ParserActionKind = 'DEFAULT' | 'IGNORE' | 'LINK';

export interface ParserActionRow {
  id: number;
  tenant_id: number;
  source: string;
  tool_key: string;
  title: string;
  description: string | null;
  original_severity: string;
  action: ParserActionKind;
  severity: string | null;
  writeup_id: number | null;
  writeup_title: string | null;
  writeup_repository_id: string | null;
  updated_by_email: string | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * Inside an import's commit: one DEFAULT row for every tool id the import staged that the tenant
 * has no row for yet (title and severity from its first sighting). Ordered by key, so concurrent
 * commits of one tenant take the same locks in the same order.
 */
export async function recordParserActions(db: Queryable, importId: string, attempt: number, tenantId: number, source: string): Promise<void> {
  await db.query(
    `INSERT INTO parser_actions (tenant_id, source, tool_key, title, description, original_severity)
     SELECT $2, $3, tool_key, title, data->>'description', severity FROM (
       SELECT DISTINCT ON (tool_key) tool_key, title, severity, data FROM staging_findings WHERE import_id = $1 AND attempt = $4 ORDER BY tool_key, seq
     ) s ORDER BY tool_key
     ON CONFLICT (tenant_id, source, tool_key) DO NOTHING`,
    [importId, tenantId, source, attempt],
  );
}

const COLUMNS = `pa.*, w.title AS writeup_title, w.repository_id AS writeup_repository_id, u.email AS updated_by_email
  FROM parser_actions pa LEFT JOIN writeups w ON w.id = pa.writeup_id LEFT JOIN users u ON u.id = pa.updated_by`;

export interface ParserActionFilter {
  source?: string;
  action?: ParserActionKind;
  /** Part of the title or tool id, case-insensitive. */
  query?: string;
  limit: number;
  offset: number;
}

export async function listParserActions(db: Queryable, tenantId: number, f: ParserActionFilter): Promise<{ rows: ParserActionRow[]; total: number }> {
  const where = `pa.tenant_id = $1 AND ($2::text IS NULL OR pa.source = $2) AND ($3::text IS NULL OR pa.action = $3)
    AND ($4::text IS NULL OR pa.title ILIKE '%' || $4 || '%' OR pa.tool_key ILIKE '%' || $4 || '%')`;
  const query = f.query ? f.query.replace(/[\\%_]/g, (c) => `\\${c}`) : null;
  const params = [tenantId, f.source ?? null, f.action ?? null, query];
  const { rows } = await db.query(`SELECT ${COLUMNS} WHERE ${where} ORDER BY pa.source, pa.tool_key LIMIT $5 OFFSET $6`, [...params, f.limit, f.offset]);
  const { rows: count } = await db.query(`SELECT count(*)::int AS total FROM parser_actions pa WHERE ${where}`, params);
  return { rows, total: count[0].total };
}

export async function getParserAction(db: Queryable, tenantId: number, id: number): Promise<ParserActionRow | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} WHERE pa.tenant_id = $1 AND pa.id = $2`, [tenantId, id]);
  return rows[0] ?? null;
}

export async function findParserAction(db: Queryable, tenantId: number, source: string, toolKey: string): Promise<ParserActionRow | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} WHERE pa.tenant_id = $1 AND pa.source = $2 AND pa.tool_key = $3`, [tenantId, source, toolKey]);
  return rows[0] ?? null;
}

export async function updateParserAction(
  db: Queryable,
  tenantId: number,
  id: number,
  change: { action: ParserActionKind; severity: string | null; writeupId: number | null; updatedBy: number },
): Promise<void> {
  await db.query(
    `UPDATE parser_actions SET action = $3, severity = $4, writeup_id = $5, updated_by = $6, updated_at = now()
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, change.action, change.severity, change.writeupId, change.updatedBy],
  );
}

export interface ActiveParserAction {
  tool_key: string;
  action: ParserActionKind;
  severity: string | null;
  writeup_title: string | null;
  writeup_data: Record<string, unknown> | null;
}

/**
 * What an import with parser actions applies: the tenant's rows for one source that change
 * anything (not DEFAULT without a severity), with the linked writeup's text. Bounded by the
 * tool's catalogue of ids, loaded once per import.
 */
export async function loadActiveParserActions(db: Queryable, tenantId: number, source: string): Promise<ActiveParserAction[]> {
  const { rows } = await db.query(
    `SELECT pa.tool_key, pa.action, pa.severity, w.title AS writeup_title, w.data AS writeup_data
       FROM parser_actions pa LEFT JOIN writeups w ON w.id = pa.writeup_id AND w.tenant_id = pa.tenant_id
      WHERE pa.tenant_id = $1 AND pa.source = $2 AND (pa.action <> 'DEFAULT' OR pa.severity IS NOT NULL)`,
    [tenantId, source],
  );
  return rows;
}
