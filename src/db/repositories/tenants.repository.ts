/** Tenants, as the instance admin sees them. */
import type { Queryable } from '../pool.js';

export interface TenantRow {
  id: number;
  name: string;
  created_at: Date;
  user_count: number;
}

export async function listTenants(db: Queryable): Promise<TenantRow[]> {
  const { rows } = await db.query(
    `SELECT t.id, t.name, t.created_at, (SELECT count(*)::int FROM users u WHERE u.tenant_id = t.id) AS user_count
       FROM tenants t ORDER BY t.id`,
  );
  return rows;
}

export async function getTenant(db: Queryable, tenantId: number): Promise<TenantRow | null> {
  const { rows } = await db.query(
    `SELECT t.id, t.name, t.created_at, (SELECT count(*)::int FROM users u WHERE u.tenant_id = t.id) AS user_count
       FROM tenants t WHERE t.id = $1`,
    [tenantId],
  );
  return rows[0] ?? null;
}
