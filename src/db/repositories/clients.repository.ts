/** Clients and their reports. Every query is scoped by tenant: another tenant's row is "not found". */
import type { Queryable } from '../pool.js';

export interface ClientRow {
  id: number;
  tenant_id: number;
  name: string;
  data: Record<string, unknown>;
  created_at: Date;
}

export interface ReportRow {
  id: number;
  tenant_id: number;
  client_id: number;
  name: string;
  status: string;
  data: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export async function createClient(db: Queryable, tenantId: number, name: string, data: Record<string, unknown>): Promise<ClientRow> {
  const { rows } = await db.query('INSERT INTO clients (tenant_id, name, data) VALUES ($1, $2, $3) RETURNING *', [tenantId, name, data]);
  return rows[0];
}

export async function listClients(db: Queryable, tenantId: number): Promise<ClientRow[]> {
  const { rows } = await db.query('SELECT * FROM clients WHERE tenant_id = $1 ORDER BY id', [tenantId]);
  return rows;
}

export async function getClient(db: Queryable, tenantId: number, clientId: number): Promise<ClientRow | null> {
  const { rows } = await db.query('SELECT * FROM clients WHERE tenant_id = $1 AND id = $2', [tenantId, clientId]);
  return rows[0] ?? null;
}

export async function createReport(
  db: Queryable,
  report: { tenantId: number; clientId: number; name: string; status: string; data: Record<string, unknown> },
): Promise<ReportRow> {
  const { rows } = await db.query(
    'INSERT INTO reports (tenant_id, client_id, name, status, data) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [report.tenantId, report.clientId, report.name, report.status, report.data],
  );
  return rows[0];
}

export async function getReport(db: Queryable, tenantId: number, clientId: number, reportId: number): Promise<ReportRow | null> {
  const { rows } = await db.query('SELECT * FROM reports WHERE tenant_id = $1 AND client_id = $2 AND id = $3', [
    tenantId,
    clientId,
    reportId,
  ]);
  return rows[0] ?? null;
}

export async function listReports(db: Queryable, tenantId: number, clientId: number): Promise<ReportRow[]> {
  const { rows } = await db.query('SELECT * FROM reports WHERE tenant_id = $1 AND client_id = $2 ORDER BY id', [tenantId, clientId]);
  return rows;
}
