/**
 * Logging in (password, then TOTP when the user has MFA), refreshing a session, and creating the
 * first tenant and admin user on a fresh installation. Failures are deliberately vague: the same
 * answer whether the user does not exist, is deactivated or typed a wrong password.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging.js';
import { createTenant, createUser, findUserByEmail, firstTenantId, type UserRow } from '../db/repositories/users.repository.js';
import { userById, userStatus, useMfaStep } from '../db/repositories/people.repository.js';
import { consumeChallenge, createChallenge, findChallenge } from '../db/repositories/auth-state.repository.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import { matchTotp } from './totp.js';
import type { AuthRateLimiter } from './rate-limit.js';
import type { TokenSigner } from './tokens.js';

export interface Session {
  token: string;
  tenantId: number;
  userId: number;
  expiresAt: Date;
}

export type LoginOutcome = ({ kind: 'session' } & Session) | { kind: 'mfa'; tenantId: number; code: string };

/** How long the `code` of an MFA login stays usable. */
export const MFA_CHALLENGE_TTL_SECONDS = 300;

const CREDENTIALS_INVALID = 'invalid username or password';
const MFA_INVALID = 'invalid or expired MFA code';

export class AuthService {
  constructor(
    private readonly pool: Pool,
    private readonly tokens: TokenSigner,
    private readonly limiter: AuthRateLimiter,
  ) {}

  async login(username: string, password: string, address: string): Promise<LoginOutcome> {
    const user = await this.limiter.attempt({ account: username, address }, async () => {
      const found = await findUserByEmail(this.pool, username);
      // A hash is computed either way, so the time taken does not say whether the user exists.
      const ok = await verifyPassword(password, found ? found.password_hash : DUMMY_HASH);
      return found && ok && found.is_active ? found : undefined;
    });
    if (!user) throw new AppError('AUTH_CREDENTIALS_INVALID', CREDENTIALS_INVALID);
    if (!user.mfa_enabled) return { kind: 'session', ...this.issue(user) };
    const code = randomBytes(32).toString('base64url');
    await createChallenge(this.pool, challengeHash(code), user.id, MFA_CHALLENGE_TTL_SECONDS);
    return { kind: 'mfa', tenantId: user.tenant_id, code };
  }

  /** Second step of an MFA login: the challenge `code` from login and a six-digit TOTP. */
  async completeMfa(code: string, totp: string, address: string): Promise<Session> {
    const hash = challengeHash(code);
    const userId = await findChallenge(this.pool, hash);
    if (userId === null) {
      // Counted against the address: someone is guessing challenges.
      await this.limiter.attempt({ address }, async () => undefined);
      throw new AppError('AUTH_CREDENTIALS_INVALID', MFA_INVALID);
    }
    const user = (await userById(this.pool, userId))!;
    const verified = await this.limiter.attempt({ account: user.email, address }, async () => {
      if (!user.is_active || !user.mfa_enabled || !user.mfa_secret) return undefined;
      const step = matchTotp(user.mfa_secret, totp, Date.now());
      // A code is good once: the step must be later than the last one accepted.
      if (step === null || !(await useMfaStep(this.pool, user.id, step))) return undefined;
      return (await consumeChallenge(this.pool, hash)) ? user : undefined;
    });
    if (!verified) throw new AppError('AUTH_CREDENTIALS_INVALID', MFA_INVALID);
    return this.issue(verified);
  }

  /** A new session for the user of a still-valid session token. */
  async refresh(userId: number): Promise<Session> {
    const user = await userStatus(this.pool, userId);
    if (!user || !user.is_active) throw new AppError('AUTH_TOKEN_INVALID', 'the token is no longer valid; authenticate again');
    return this.issue(user);
  }

  private issue(user: Pick<UserRow, 'id' | 'tenant_id' | 'email' | 'role'>): Session {
    const { token, expiresAt } = this.tokens.issue({ userId: user.id, tenantId: user.tenant_id, email: user.email, role: user.role });
    return { token, tenantId: user.tenant_id, userId: user.id, expiresAt };
  }
}

function challengeHash(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA';

/**
 * On first start: create the default tenant and the admin user from INTAKE_ADMIN_EMAIL /
 * INTAKE_ADMIN_PASSWORD, generating a password (printed once) when none is configured. On later
 * starts an admin email not yet known is added to the first tenant; existing users are untouched.
 * The configured admin is the instance admin: whoever controls the configuration controls the
 * instance, and the instance admin creates tenants.
 */
export async function ensureAdmin(pool: Pool, log: Logger, admin: { email: string | null; password: string | null }): Promise<void> {
  const email = admin.email ?? 'admin@localhost';
  await withTransaction(pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock(727002)');
    const tenantId = (await firstTenantId(db)) ?? (await createTenant(db, 'Default'));
    if (await findUserByEmail(db, email)) return;
    const password = admin.password ?? generatePassword();
    await createUser(db, { tenantId, email, passwordHash: await hashPassword(password), role: 'ADMIN', isInstanceAdmin: true });
    if (admin.password) {
      log.info({ email, tenantId }, 'created admin user');
    } else {
      // Printed once, on the console only: the password is not stored anywhere in clear.
      process.stdout.write(`\nIntake admin user created.\n  username: ${email}\n  password: ${password}\nKeep it: it will not be shown again.\n\n`);
    }
  });
}
