/**
 * A logged-in user's own TOTP enrolment: start (a new secret, not yet in force), confirm with a
 * first code (MFA is on from then), and switch off with a current code. Wrong codes count against
 * the same limits as logins: a stolen session must not be able to guess its way to switching MFA off.
 */
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import { disableMfa, enableMfa, setPendingMfaSecret, useMfaStep, userById } from '../db/repositories/people.repository.js';
import type { UserRow } from '../db/repositories/users.repository.js';
import { generateTotpSecret, matchTotp, otpauthUrl } from './totp.js';
import type { AuthRateLimiter } from './rate-limit.js';

export const MFA_ISSUER = 'Intake';

export class MfaService {
  constructor(private readonly pool: Pool, private readonly limiter: AuthRateLimiter) {}

  async start(userId: number): Promise<{ secret: string; otpauthUrl: string }> {
    const user = await this.user(userId);
    if (user.mfa_enabled) throw new AppError('MFA_ALREADY_ENABLED', 'MFA is already on; switch it off (DELETE /api/v2/users/me/mfa with a code) before enrolling again');
    const secret = generateTotpSecret();
    await setPendingMfaSecret(this.pool, user.id, secret);
    return { secret, otpauthUrl: otpauthUrl(MFA_ISSUER, user.email, secret) };
  }

  async confirm(userId: number, code: string, address: string): Promise<void> {
    const user = await this.user(userId);
    if (user.mfa_enabled) throw new AppError('MFA_ALREADY_ENABLED', 'MFA is already on');
    const secret = user.mfa_pending_secret;
    if (!secret) throw new AppError('MFA_NOT_PENDING', 'no MFA enrolment to confirm; start one with POST /api/v2/users/me/mfa');
    const ok = await this.limiter.attempt({ account: user.email, address }, async () => {
      const step = matchTotp(secret, code, Date.now());
      return step !== null && (await enableMfa(this.pool, user.id, secret, step)) ? true : undefined;
    });
    if (!ok) throw new AppError('MFA_CODE_INVALID', 'the code does not match the secret of this enrolment; check the authenticator app and the clock');
  }

  async disable(userId: number, code: string, address: string): Promise<void> {
    const user = await this.user(userId);
    const secret = user.mfa_secret;
    if (!user.mfa_enabled || !secret) throw new AppError('MFA_NOT_ENABLED', 'MFA is not on for this user');
    const ok = await this.limiter.attempt({ account: user.email, address }, async () => {
      const step = matchTotp(secret, code, Date.now());
      return step !== null && (await useMfaStep(this.pool, user.id, step)) ? true : undefined;
    });
    if (!ok) throw new AppError('MFA_CODE_INVALID', 'the code is not a current code of this user\'s authenticator (or was already used)');
    await disableMfa(this.pool, user.id);
  }

  private async user(userId: number): Promise<UserRow> {
    const user = await userById(this.pool, userId);
    if (!user) throw new AppError('AUTH_TOKEN_INVALID', 'the token is no longer valid; authenticate again');
    return user;
  }
}
