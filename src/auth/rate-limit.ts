/**
 * Limits authentication attempts per account and per client address, in the database so that the
 * limit holds across api processes. An attempt is counted before the secret is checked and
 * uncounted when it succeeds: concurrent guesses cannot slip past the limit together.
 */
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import { attemptsInWindow, clearKey, deleteAttempts, pruneAttempts, recordAttempts } from '../db/repositories/auth-state.repository.js';

export interface RateLimits {
  /** Failures allowed per account in the window. */
  perAccount: number;
  /** Failures allowed per client address in the window (higher: offices share one address). */
  perAddress: number;
  windowSeconds: number;
}

export interface AttemptKeys {
  /** The username as typed (unknown users are limited the same way as known ones). */
  account?: string;
  address?: string;
}

/** Vague on purpose: it says neither which limit was hit nor whether the account exists. */
export const RATE_LIMITED_MESSAGE = 'too many failed authentication attempts; try again later';

export class AuthRateLimiter {
  constructor(private readonly pool: Pool, private readonly limits: RateLimits) {}

  /**
   * Runs `verify` unless a limit is reached (AUTH_RATE_LIMITED, with `details.retryAfterSeconds`).
   * `verify` returns a value on success or undefined on failure; a failure stays counted.
   */
  async attempt<T>(keys: AttemptKeys, verify: () => Promise<T | undefined>): Promise<T | undefined> {
    const names = keyNames(keys);
    const ids = await recordAttempts(this.pool, names);
    const windows = await attemptsInWindow(this.pool, names, this.limits.windowSeconds);
    let retryAfter = 0;
    for (const { key, expiresIn } of windows) {
      const limit = key.startsWith('account:') ? this.limits.perAccount : this.limits.perAddress;
      // Our own attempt is in the list: more than `limit` means `limit` failures came before it.
      if (expiresIn.length > limit) retryAfter = Math.max(retryAfter, expiresIn[expiresIn.length - limit - 1]!);
    }
    if (retryAfter > 0) {
      await deleteAttempts(this.pool, ids);
      throw new AppError('AUTH_RATE_LIMITED', RATE_LIMITED_MESSAGE, { details: { retryAfterSeconds: Math.max(1, Math.ceil(retryAfter)) } });
    }
    let result: T | undefined;
    try {
      result = await verify();
    } catch (error) {
      // An error is not a guess that failed: do not count it against the user.
      await deleteAttempts(this.pool, ids).catch(() => {});
      throw error;
    }
    if (result === undefined) {
      if (Math.random() < 0.05) await pruneAttempts(this.pool, this.limits.windowSeconds);
      return undefined;
    }
    await deleteAttempts(this.pool, ids);
    // A success clears the account's earlier failures, never the address's: an attacker who
    // owns one account must not be able to reset the count for an address.
    if (keys.account !== undefined) await clearKey(this.pool, accountKey(keys.account));
    return result;
  }
}

function keyNames(keys: AttemptKeys): string[] {
  const names: string[] = [];
  if (keys.account !== undefined) names.push(accountKey(keys.account));
  if (keys.address !== undefined) names.push(`address:${keys.address}`);
  return names;
}

function accountKey(account: string): string {
  return `account:${account.trim().toLowerCase()}`;
}

/** The limits configured by INTAKE_AUTH_FAILURES_PER_ACCOUNT / _PER_ADDRESS / INTAKE_AUTH_FAILURE_WINDOW_SECONDS. */
export function rateLimitsOf(config: { authFailuresPerAccount: number; authFailuresPerAddress: number; authFailureWindowSeconds: number }): RateLimits {
  return { perAccount: config.authFailuresPerAccount, perAddress: config.authFailuresPerAddress, windowSeconds: config.authFailureWindowSeconds };
}
