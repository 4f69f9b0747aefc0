/**
 * A tenant admin's management of the tenant's users: create, update (name, role, password),
 * deactivate and reactivate. A tenant always keeps at least one active admin, and the instance
 * admin cannot be deactivated (nobody could create tenants any more) nor have their role or
 * password changed by another admin (that would hand over the instance).
 */
import type { Pool, PoolClient } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import type { UserRow } from '../db/repositories/users.repository.js';
import { listTenantUsers, lockActiveAdmins, updateTenantUser, userById } from '../db/repositories/people.repository.js';
import { createNewUser, MIN_PASSWORD_LENGTH, type NewUser } from './new-user.js';
import { hashPassword } from './passwords.js';
import type { Role } from './roles.js';

export interface UserChanges {
  name?: string | null;
  role?: Role;
  password?: string;
}

export class TenantUsersService {
  /** Called after a change that must take effect at once in this process (caller cache). */
  constructor(private readonly pool: Pool, private readonly onChange: (userId: number) => void = () => {}) {}

  list(tenantId: number, page: number, limit: number): Promise<{ rows: UserRow[]; total: number }> {
    return listTenantUsers(this.pool, tenantId, { offset: (page - 1) * limit, limit });
  }

  create(tenantId: number, input: NewUser): Promise<{ user: UserRow; password?: string }> {
    return createNewUser(this.pool, tenantId, input);
  }

  /** `actorId`: who asks. Only the instance admin may change the instance admin's role or password. */
  async update(tenantId: number, userId: number, changes: UserChanges, actorId: number): Promise<UserRow> {
    if (changes.password !== undefined && changes.password.length < MIN_PASSWORD_LENGTH) {
      throw new AppError('VALIDATION_FAILED', `password must have at least ${MIN_PASSWORD_LENGTH} characters; found ${changes.password.length}`);
    }
    const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
    const updated = await withTransaction(this.pool, async (db) => {
      const user = await this.mustUser(db, tenantId, userId);
      if (user.is_instance_admin && user.id !== actorId && (changes.role !== undefined || changes.password !== undefined)) {
        // Otherwise any admin of the first tenant could take over the instance admin's powers.
        throw new AppError('USER_PROTECTED', "only the instance admin can change the instance admin's role or password");
      }
      if (changes.role !== undefined && changes.role !== 'ADMIN') await this.keepAnAdmin(db, tenantId, user);
      const name = changes.name === undefined ? undefined : changes.name?.trim() || null;
      return (await updateTenantUser(db, tenantId, userId, { name, role: changes.role, passwordHash }))!;
    });
    this.onChange(userId);
    return updated;
  }

  async setActive(tenantId: number, userId: number, active: boolean): Promise<UserRow> {
    const updated = await withTransaction(this.pool, async (db) => {
      const user = await this.mustUser(db, tenantId, userId);
      if (!active) {
        if (user.is_instance_admin) throw new AppError('USER_PROTECTED', 'the instance admin cannot be deactivated');
        await this.keepAnAdmin(db, tenantId, user);
      }
      return (await updateTenantUser(db, tenantId, userId, { isActive: active }))!;
    });
    this.onChange(userId);
    return updated;
  }

  private async mustUser(db: PoolClient, tenantId: number, userId: number): Promise<UserRow> {
    const user = await userById(db, userId);
    if (!user || user.tenant_id !== tenantId) throw new AppError('USER_NOT_FOUND', `user ${userId} not found in tenant ${tenantId}`);
    return user;
  }

  /** Refuses a change that would leave the tenant without an active admin (admins are locked meanwhile). */
  private async keepAnAdmin(db: PoolClient, tenantId: number, user: UserRow): Promise<void> {
    const admins = await lockActiveAdmins(db, tenantId);
    if (admins.length === 1 && admins[0] === user.id) {
      throw new AppError('LAST_ADMIN', 'this is the tenant\'s last active admin: make another user ADMIN first');
    }
  }
}
