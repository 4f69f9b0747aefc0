/** Logging in, and creating the first tenant and admin user on a fresh installation. */
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging.js';
import { createTenant, createUser, findUserByEmail, firstTenantId } from '../db/repositories/users.repository.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import type { TokenSigner } from './tokens.js';

export interface LoginResult {
  token: string;
  tenantId: number;
  userId: number;
  expiresAt: Date;
}

export async function login(pool: Pool, tokens: TokenSigner, username: string, password: string): Promise<LoginResult> {
  const user = await findUserByEmail(pool, username);
  // Same message whether the user exists or not, and a hash is computed either way.
  const ok = user ? await verifyPassword(password, user.password_hash) : await verifyPassword(password, DUMMY_HASH);
  if (!user || !ok) throw new AppError('AUTH_CREDENTIALS_INVALID', 'invalid username or password');
  const { token, expiresAt } = tokens.issue({ userId: user.id, tenantId: user.tenant_id, email: user.email });
  return { token, tenantId: user.tenant_id, userId: user.id, expiresAt };
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA';

/**
 * On first start: create the default tenant and the admin user from INTAKE_ADMIN_EMAIL /
 * INTAKE_ADMIN_PASSWORD, generating a password (printed once) when none is configured. On later
 * starts an admin email not yet known is added to the first tenant; existing users are untouched.
 */
export async function ensureAdmin(pool: Pool, log: Logger, admin: { email: string | null; password: string | null }): Promise<void> {
  const email = admin.email ?? 'admin@localhost';
  await withTransaction(pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock(727002)');
    const tenantId = (await firstTenantId(db)) ?? (await createTenant(db, 'Default'));
    if (await findUserByEmail(db, email)) return;
    const password = admin.password ?? generatePassword();
    await createUser(db, { tenantId, email, passwordHash: await hashPassword(password), role: 'ADMIN' });
    if (admin.password) {
      log.info({ email, tenantId }, 'created admin user');
    } else {
      // Printed once, on the console only: the password is not stored anywhere in clear.
      process.stdout.write(`\nIntake admin user created.\n  username: ${email}\n  password: ${password}\nKeep it: it will not be shown again.\n\n`);
    }
  });
}
