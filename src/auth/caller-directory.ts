/**
 * Turns a presented token into the identity behind it, checking what a signature alone cannot:
 * that the user is still active (and their current role), and that an API token is live.
 * Answers are cached per api process for at most `ttlSeconds` (INTAKE_USER_CACHE_SECONDS), so a
 * deactivation, role change or revocation made by another process takes effect within that time;
 * one made by this process takes effect at once (it calls forget…).
 */
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import { userStatus, type UserStatus } from '../db/repositories/people.repository.js';
import { findApiTokenOwner, touchApiToken, type ApiTokenOwner } from '../db/repositories/api-tokens.repository.js';
import { apiTokenLabel, hashApiToken, isApiToken } from './api-tokens.js';
import type { TokenSigner } from './tokens.js';

export interface Identity {
  userId: number;
  tenantId: number;
  email: string;
  role: string;
  isInstanceAdmin: boolean;
  /** `createdBy`: the email, or `API Token - <name>`. */
  label: string;
  /** Set when an API token (not a session token) was presented. */
  apiToken?: { id: number; name: string };
}

interface Cached<T> {
  value: T;
  at: number;
}

const MAX_ENTRIES = 10_000;
/** Last use of an API token is written at most this often per process. */
const TOUCH_INTERVAL_MS = 60_000;

export class CallerDirectory {
  private readonly users = new Map<number, Cached<UserStatus | null>>();
  private readonly apiTokens = new Map<string, Cached<ApiTokenOwner>>();
  private readonly touched = new Map<number, number>();

  constructor(private readonly pool: Pool, private readonly ttlSeconds: number, private readonly now: () => number = Date.now) {}

  /** The identity behind a session JWT or a `pa_` token; 401 errors otherwise. */
  async identify(tokens: TokenSigner, token: string): Promise<Identity> {
    if (isApiToken(token)) return this.identifyApiToken(token);
    const claims = tokens.verify(token);
    const user = await this.user(claims.userId);
    if (!user || !user.is_active || user.tenant_id !== claims.tenantId) {
      throw new AppError('AUTH_TOKEN_INVALID', 'the token is no longer valid; authenticate again');
    }
    return { userId: user.id, tenantId: user.tenant_id, email: user.email, role: user.role, isInstanceAdmin: user.is_instance_admin, label: user.email };
  }

  forgetUser(userId: number): void {
    this.users.delete(userId);
    // API tokens carry their owner's status too.
    this.apiTokens.clear();
  }

  forgetApiTokens(): void {
    this.apiTokens.clear();
  }

  private async identifyApiToken(token: string): Promise<Identity> {
    const hash = hashApiToken(token);
    const owner = await this.apiTokenOwner(hash);
    const expired = owner?.expires_at != null && owner.expires_at.getTime() <= this.now();
    if (!owner || owner.revoked_at !== null || expired || !owner.is_active) {
      // One message for unknown, revoked and expired: the token is simply not valid.
      throw new AppError('AUTH_TOKEN_INVALID', 'the API token is not valid (unknown, revoked or expired)');
    }
    this.noteUse(owner.token_id);
    return {
      userId: owner.user_id,
      tenantId: owner.tenant_id,
      email: owner.email,
      role: owner.role,
      isInstanceAdmin: owner.is_instance_admin,
      label: apiTokenLabel(owner.token_name),
      apiToken: { id: owner.token_id, name: owner.token_name },
    };
  }

  private async user(userId: number): Promise<UserStatus | null> {
    const hit = this.fresh(this.users.get(userId));
    if (hit !== undefined) return hit;
    const status = await userStatus(this.pool, userId);
    this.remember(this.users, userId, status);
    return status;
  }

  private async apiTokenOwner(hash: string): Promise<ApiTokenOwner | null> {
    const hit = this.fresh(this.apiTokens.get(hash));
    if (hit !== undefined) return hit;
    const owner = await findApiTokenOwner(this.pool, hash);
    // Unknown tokens are not cached: anyone can send those, and they must not fill the cache.
    if (owner) this.remember(this.apiTokens, hash, owner);
    return owner;
  }

  private fresh<T>(entry: Cached<T> | undefined): T | undefined {
    if (!entry || this.now() - entry.at >= this.ttlSeconds * 1000) return undefined;
    return entry.value;
  }

  private remember<K, T>(map: Map<K, Cached<T>>, key: K, value: T): void {
    if (this.ttlSeconds <= 0) return;
    if (map.size >= MAX_ENTRIES) map.clear();
    map.set(key, { value, at: this.now() });
  }

  /** Records the token's last use, at most once a minute per process, without delaying the request. */
  private noteUse(tokenId: number): void {
    const last = this.touched.get(tokenId) ?? 0;
    if (this.now() - last < TOUCH_INTERVAL_MS) return;
    if (this.touched.size >= MAX_ENTRIES) this.touched.clear();
    this.touched.set(tokenId, this.now());
    touchApiToken(this.pool, tokenId).catch(() => this.touched.delete(tokenId));
  }
}

const directories = new WeakMap<Pool, CallerDirectory>();

/** One directory per database pool (that is, per api process), shared by every route plugin. */
export function callerDirectoryFor(pool: Pool, ttlSeconds: number): CallerDirectory {
  let directory = directories.get(pool);
  if (!directory) {
    directory = new CallerDirectory(pool, ttlSeconds);
    directories.set(pool, directory);
  }
  return directory;
}
