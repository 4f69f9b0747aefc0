/** Tenants, created by the instance admin (API) or an operator (`intake tenant create`). */
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import { createTenant, type UserRow } from '../db/repositories/users.repository.js';
import { getTenant, type TenantRow } from '../db/repositories/tenants.repository.js';
import { createNewUser } from './new-user.js';

export interface NewTenant {
  name: string;
  admin: { email: string; password?: string; name?: string | null };
}

export interface CreatedTenant {
  tenant: TenantRow;
  admin: UserRow;
  /** The admin's password, only when it was generated (shown once). */
  generatedPassword?: string;
}

/** Creates the tenant and its first admin together: a tenant is never left without an admin. */
export async function createTenantWithAdmin(pool: Pool, input: NewTenant): Promise<CreatedTenant> {
  const name = input.name.trim();
  if (!name) throw new AppError('VALIDATION_FAILED', 'name must not be blank');
  return withTransaction(pool, async (db) => {
    const tenantId = await createTenant(db, name);
    const { user, password } = await createNewUser(db, tenantId, { ...input.admin, role: 'ADMIN' });
    const tenant = (await getTenant(db, tenantId))!;
    return { tenant, admin: user, ...(password ? { generatedPassword: password } : {}) };
  });
}
