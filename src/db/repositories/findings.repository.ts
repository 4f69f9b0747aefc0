/** Read side of the live findings, assets and their links. */
import type { Queryable } from '../pool.js';

export interface FindingRow {
  id: number;
  client_id: number;
  report_id: number;
  source: string;
  tool_key: string;
  title: string;
  severity: string;
  status: string;
  data: Record<string, unknown>;
  tags: string[];
  created_at: Date;
  updated_at: Date;
}

export interface AssetRow {
  id: number;
  client_id: number;
  identity: string;
  data: Record<string, unknown>;
  tags: string[];
  created_at: Date;
  updated_at: Date;
}

export interface AffectedAssetRow extends AssetRow {
  details: unknown[];
  evidence: { label: string; content: string }[];
}

export async function listReportFindings(db: Queryable, tenantId: number, reportId: number): Promise<FindingRow[]> {
  const { rows } = await db.query('SELECT * FROM findings WHERE tenant_id = $1 AND report_id = $2 ORDER BY id', [tenantId, reportId]);
  return rows;
}

export async function getFinding(db: Queryable, tenantId: number, reportId: number, findingId: number): Promise<FindingRow | null> {
  const { rows } = await db.query('SELECT * FROM findings WHERE tenant_id = $1 AND report_id = $2 AND id = $3', [
    tenantId,
    reportId,
    findingId,
  ]);
  return rows[0] ?? null;
}

export async function listAffectedAssets(db: Queryable, findingId: number): Promise<AffectedAssetRow[]> {
  const { rows } = await db.query(
    `SELECT a.*, fa.details,
            COALESCE((SELECT json_agg(json_build_object('label', e.label, 'content', e.content) ORDER BY e.id)
                        FROM evidence e WHERE e.finding_id = fa.finding_id AND e.asset_id = fa.asset_id), '[]') AS evidence
       FROM finding_assets fa JOIN assets a ON a.id = fa.asset_id
      WHERE fa.finding_id = $1 ORDER BY a.id`,
    [findingId],
  );
  return rows;
}

export async function listClientAssets(db: Queryable, tenantId: number, clientId: number): Promise<AssetRow[]> {
  const { rows } = await db.query('SELECT * FROM assets WHERE tenant_id = $1 AND client_id = $2 ORDER BY id', [tenantId, clientId]);
  return rows;
}
