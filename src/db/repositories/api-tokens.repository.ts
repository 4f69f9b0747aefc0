/** Personal access tokens: only the SHA-256 of a token is stored. */
import type { Queryable } from '../pool.js';

export interface ApiTokenRow {
  id: number;
  tenant_id: number;
  user_id: number;
  name: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A token found by its hash, with what authentication needs to know about its owner. */
export interface ApiTokenOwner {
  token_id: number;
  token_name: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  user_id: number;
  tenant_id: number;
  email: string;
  role: string;
  is_active: boolean;
  is_instance_admin: boolean;
}

export async function insertApiToken(
  db: Queryable,
  token: { tenantId: number; userId: number; name: string; hash: string; expiresAt: Date | null },
): Promise<ApiTokenRow | null> {
  const { rows } = await db.query(
    `INSERT INTO api_tokens (tenant_id, user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, lower(name)) WHERE revoked_at IS NULL DO NOTHING
     RETURNING id, tenant_id, user_id, name, created_at, expires_at, last_used_at, revoked_at`,
    [token.tenantId, token.userId, token.name, token.hash, token.expiresAt],
  );
  return rows[0] ?? null;
}

export async function listApiTokens(db: Queryable, tenantId: number, userId: number): Promise<ApiTokenRow[]> {
  const { rows } = await db.query(
    `SELECT id, tenant_id, user_id, name, created_at, expires_at, last_used_at, revoked_at
       FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL ORDER BY id`,
    [tenantId, userId],
  );
  return rows;
}

/** Revokes one of the user's own tokens; false when there is no such live token. */
export async function revokeApiToken(db: Queryable, tenantId: number, userId: number, tokenId: number): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE api_tokens SET revoked_at = now() WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL',
    [tenantId, userId, tokenId],
  );
  return (rowCount ?? 0) > 0;
}

export async function findApiTokenOwner(db: Queryable, hash: string): Promise<ApiTokenOwner | null> {
  const { rows } = await db.query(
    `SELECT t.id AS token_id, t.name AS token_name, t.expires_at, t.revoked_at,
            u.id AS user_id, u.tenant_id, u.email, u.role, u.is_active, u.is_instance_admin
       FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.tenant_id = t.tenant_id
      WHERE t.token_hash = $1`,
    [hash],
  );
  return rows[0] ?? null;
}

export async function touchApiToken(db: Queryable, tokenId: number): Promise<void> {
  await db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [tokenId]);
}
