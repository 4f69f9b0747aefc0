import type { Queryable } from '../pool.js';

export interface UserRow {
  id: number;
  tenant_id: number;
  email: string;
  password_hash: string;
  role: string;
  name: string | null;
  is_active: boolean;
  is_instance_admin: boolean;
  mfa_enabled: boolean;
  mfa_secret: string | null;
  mfa_pending_secret: string | null;
  mfa_last_step: number | null;
  created_at: Date;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | null> {
  const { rows } = await db.query('SELECT * FROM users WHERE lower(email) = lower($1)', [email]);
  return rows[0] ?? null;
}

export async function findUser(db: Queryable, tenantId: number, userId: number): Promise<UserRow | null> {
  const { rows } = await db.query('SELECT * FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
  return rows[0] ?? null;
}

export async function createUser(
  db: Queryable,
  user: { tenantId: number; email: string; passwordHash: string; role: string; name?: string | null; isInstanceAdmin?: boolean },
): Promise<UserRow> {
  const { rows } = await db.query(
    'INSERT INTO users (tenant_id, email, password_hash, role, name, is_instance_admin) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
    [user.tenantId, user.email, user.passwordHash, user.role, user.name ?? null, user.isInstanceAdmin ?? false],
  );
  return rows[0];
}

export async function createTenant(db: Queryable, name: string): Promise<number> {
  const { rows } = await db.query('INSERT INTO tenants (name) VALUES ($1) RETURNING id', [name]);
  return rows[0].id;
}

export async function firstTenantId(db: Queryable): Promise<number | null> {
  const { rows } = await db.query('SELECT id FROM tenants ORDER BY id LIMIT 1');
  return rows[0]?.id ?? null;
}
