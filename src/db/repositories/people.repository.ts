/**
 * Tenant users as administrators see them, and the per-request status check of authentication.
 * Every query is scoped by tenant: another tenant's user is indistinguishable from none.
 */
import type { Queryable } from '../pool.js';
import type { UserRow } from './users.repository.js';

/** What authentication needs to know about a user on every request. */
export interface UserStatus {
  id: number;
  tenant_id: number;
  email: string;
  role: string;
  is_active: boolean;
  is_instance_admin: boolean;
}

export async function userStatus(db: Queryable, userId: number): Promise<UserStatus | null> {
  const { rows } = await db.query('SELECT id, tenant_id, email, role, is_active, is_instance_admin FROM users WHERE id = $1', [userId]);
  return rows[0] ?? null;
}

export async function userById(db: Queryable, userId: number): Promise<UserRow | null> {
  const { rows } = await db.query('SELECT * FROM users WHERE id = $1', [userId]);
  return rows[0] ?? null;
}

export async function listTenantUsers(db: Queryable, tenantId: number, page: { offset: number; limit: number }): Promise<{ rows: UserRow[]; total: number }> {
  const [list, count] = await Promise.all([
    db.query('SELECT * FROM users WHERE tenant_id = $1 ORDER BY id LIMIT $2 OFFSET $3', [tenantId, page.limit, page.offset]),
    db.query('SELECT count(*)::int AS total FROM users WHERE tenant_id = $1', [tenantId]),
  ]);
  return { rows: list.rows, total: count.rows[0].total };
}

export async function updateTenantUser(
  db: Queryable,
  tenantId: number,
  userId: number,
  changes: { name?: string | null; role?: string; passwordHash?: string; isActive?: boolean },
): Promise<UserRow | null> {
  const { rows } = await db.query(
    `UPDATE users SET
        name = CASE WHEN $3::boolean THEN $4 ELSE name END,
        role = COALESCE($5, role),
        password_hash = COALESCE($6, password_hash),
        is_active = COALESCE($7, is_active),
        updated_at = now()
      WHERE tenant_id = $1 AND id = $2
      RETURNING *`,
    [tenantId, userId, changes.name !== undefined, changes.name ?? null, changes.role ?? null, changes.passwordHash ?? null, changes.isActive ?? null],
  );
  return rows[0] ?? null;
}

/** Locks the tenant's active admins (FOR UPDATE) and returns their ids: guards "last admin". */
export async function lockActiveAdmins(db: Queryable, tenantId: number): Promise<number[]> {
  const { rows } = await db.query(
    "SELECT id FROM users WHERE tenant_id = $1 AND role = 'ADMIN' AND is_active ORDER BY id FOR UPDATE",
    [tenantId],
  );
  return rows.map((r) => r.id);
}

export async function emailTaken(db: Queryable, email: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM users WHERE lower(email) = lower($1)', [email]);
  return rows.length > 0;
}

export async function setPendingMfaSecret(db: Queryable, userId: number, secret: string): Promise<void> {
  await db.query('UPDATE users SET mfa_pending_secret = $2, updated_at = now() WHERE id = $1', [userId, secret]);
}

/** Turns MFA on with the pending secret, if it is still the one the code was checked against. */
export async function enableMfa(db: Queryable, userId: number, secret: string, step: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE users SET mfa_enabled = true, mfa_secret = mfa_pending_secret, mfa_pending_secret = NULL, mfa_last_step = $3, updated_at = now()
      WHERE id = $1 AND mfa_pending_secret = $2 AND NOT mfa_enabled`,
    [userId, secret, step],
  );
  return (rowCount ?? 0) > 0;
}

export async function disableMfa(db: Queryable, userId: number): Promise<void> {
  await db.query(
    'UPDATE users SET mfa_enabled = false, mfa_secret = NULL, mfa_pending_secret = NULL, mfa_last_step = NULL, updated_at = now() WHERE id = $1',
    [userId],
  );
}

/** Records a used TOTP step; false when this step (or a later one) was already used: a replay. */
export async function useMfaStep(db: Queryable, userId: number, step: number): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE users SET mfa_last_step = $2 WHERE id = $1 AND (mfa_last_step IS NULL OR mfa_last_step < $2)',
    [userId, step],
  );
  return (rowCount ?? 0) > 0;
}
