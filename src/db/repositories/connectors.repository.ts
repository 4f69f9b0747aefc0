/** Connectors (built-in ones have no tenant and are visible to all) and applications. */
import type { Queryable } from '../pool.js';
import type { Connector, FileGroup } from '../../connectors/model.js';

interface ConnectorRow {
  id: string;
  tenant_id: number | null;
  name: string;
  kind: 'file' | 'api';
  created_at: Date;
}

interface GroupRow {
  id: string;
  connector_id: string;
  name: string;
  required: boolean;
  position: number;
  columns: FileGroup['columns'];
  role: FileGroup['role'];
  account_column: string | null;
}

function toGroup(r: GroupRow): FileGroup {
  return { id: r.id, connectorId: r.connector_id, name: r.name, required: r.required, position: r.position, columns: r.columns, role: r.role, accountColumn: r.account_column };
}

async function withGroups(db: Queryable, rows: ConnectorRow[]): Promise<Connector[]> {
  if (rows.length === 0) return [];
  const { rows: groups } = await db.query<GroupRow>('SELECT * FROM connector_file_groups WHERE connector_id = ANY($1::uuid[]) ORDER BY position', [rows.map((r) => r.id)]);
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    kind: r.kind,
    createdAt: r.created_at,
    fileGroups: groups.filter((g) => g.connector_id === r.id).map(toGroup),
  }));
}

export async function listConnectors(db: Queryable, tenantId: number): Promise<Connector[]> {
  const { rows } = await db.query<ConnectorRow>('SELECT * FROM connectors WHERE tenant_id IS NULL OR tenant_id = $1 ORDER BY tenant_id NULLS FIRST, created_at, name', [tenantId]);
  return withGroups(db, rows);
}

export async function getConnector(db: Queryable, tenantId: number, id: string): Promise<Connector | null> {
  const { rows } = await db.query<ConnectorRow>('SELECT * FROM connectors WHERE id = $1 AND (tenant_id IS NULL OR tenant_id = $2)', [id, tenantId]);
  return (await withGroups(db, rows))[0] ?? null;
}

export async function insertConnector(db: Queryable, c: Omit<Connector, 'createdAt'>): Promise<void> {
  await db.query('INSERT INTO connectors (id, tenant_id, name, kind) VALUES ($1, $2, $3, $4)', [c.id, c.tenantId, c.name, c.kind]);
  for (const g of c.fileGroups) {
    await db.query(
      `INSERT INTO connector_file_groups (id, connector_id, name, required, position, columns, role, account_column)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [g.id, c.id, g.name, g.required, g.position, JSON.stringify(g.columns), g.role, g.accountColumn],
    );
  }
}

export interface ApplicationRow {
  id: string;
  tenant_id: number;
  name: string;
  connector_id: string;
  is_archived: boolean;
  import_counter: number;
  current_import_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export async function insertApplication(db: Queryable, a: { id: string; tenantId: number; name: string; connectorId: string }): Promise<ApplicationRow> {
  const { rows } = await db.query('INSERT INTO applications (id, tenant_id, name, connector_id) VALUES ($1, $2, $3, $4) RETURNING *', [a.id, a.tenantId, a.name, a.connectorId]);
  return rows[0];
}

export async function listApplications(db: Queryable, tenantId: number): Promise<ApplicationRow[]> {
  const { rows } = await db.query('SELECT * FROM applications WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId]);
  return rows;
}

export async function getApplication(db: Queryable, tenantId: number, id: string): Promise<ApplicationRow | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query('SELECT * FROM applications WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return rows[0] ?? null;
}

export async function archiveApplication(db: Queryable, tenantId: number, id: string): Promise<ApplicationRow | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query('UPDATE applications SET is_archived = true, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING *', [tenantId, id]);
  return rows[0] ?? null;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
