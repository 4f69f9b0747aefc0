/** Users, tenants and API tokens as the people and access routes show them. */
import type { UserRow } from '../../db/repositories/users.repository.js';
import type { TenantRow } from '../../db/repositories/tenants.repository.js';
import type { ApiTokenRow } from '../../db/repositories/api-tokens.repository.js';

export function userView(u: UserRow) {
  return {
    id: u.id,
    tenantId: u.tenant_id,
    email: u.email,
    name: u.name,
    fullName: u.name ?? u.email,
    role: u.role as 'ADMIN' | 'ANALYST' | 'READ_ONLY',
    isActive: u.is_active,
    isInstanceAdmin: u.is_instance_admin,
    mfaEnabled: u.mfa_enabled,
    mfa: { enabled: u.mfa_enabled },
    createdAt: u.created_at.toISOString(),
  };
}

export function tenantView(t: TenantRow) {
  return { id: t.id, name: t.name, userCount: t.user_count, createdAt: t.created_at.toISOString() };
}

export function apiTokenView(t: ApiTokenRow) {
  return {
    id: t.id,
    name: t.name,
    createdAt: t.created_at.toISOString(),
    expiresAt: t.expires_at?.toISOString() ?? null,
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
  };
}
