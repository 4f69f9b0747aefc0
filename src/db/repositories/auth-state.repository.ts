/**
 * Short-lived authentication state kept in the database, so that every api process sees it:
 * authentication attempts (for rate limiting) and MFA login challenges.
 */
import type { Queryable } from '../pool.js';

export interface KeyWindow {
  key: string;
  /** Attempts in the window, oldest first: seconds until each leaves the window. */
  expiresIn: number[];
}

/** Records one attempt per key; returns the row ids, to remove them if the attempt succeeds. */
export async function recordAttempts(db: Queryable, keys: string[]): Promise<number[]> {
  const { rows } = await db.query('INSERT INTO auth_failures (key) SELECT unnest($1::text[]) RETURNING id', [keys]);
  return rows.map((r) => r.id);
}

export async function attemptsInWindow(db: Queryable, keys: string[], windowSeconds: number): Promise<KeyWindow[]> {
  const { rows } = await db.query(
    `SELECT key, array_agg(extract(epoch FROM failed_at + make_interval(secs => $2) - now())::float8 ORDER BY failed_at) AS expires_in
       FROM auth_failures
      WHERE key = ANY($1::text[]) AND failed_at > now() - make_interval(secs => $2)
      GROUP BY key`,
    [keys, windowSeconds],
  );
  return rows.map((r) => ({ key: r.key, expiresIn: r.expires_in }));
}

export async function deleteAttempts(db: Queryable, ids: number[]): Promise<void> {
  if (ids.length > 0) await db.query('DELETE FROM auth_failures WHERE id = ANY($1::bigint[])', [ids]);
}

export async function clearKey(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM auth_failures WHERE key = $1', [key]);
}

/** Drops attempts older than the window (any key), so the table stays small. */
export async function pruneAttempts(db: Queryable, windowSeconds: number): Promise<void> {
  await db.query('DELETE FROM auth_failures WHERE failed_at < now() - make_interval(secs => $1)', [windowSeconds]);
}

export async function createChallenge(db: Queryable, codeHash: string, userId: number, ttlSeconds: number): Promise<void> {
  await db.query('DELETE FROM auth_challenges WHERE expires_at < now()');
  await db.query('INSERT INTO auth_challenges (code_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))', [
    codeHash,
    userId,
    ttlSeconds,
  ]);
}

/** The user a live challenge belongs to, or null (unknown or expired). */
export async function findChallenge(db: Queryable, codeHash: string): Promise<number | null> {
  const { rows } = await db.query('SELECT user_id FROM auth_challenges WHERE code_hash = $1 AND expires_at > now()', [codeHash]);
  return rows[0]?.user_id ?? null;
}

/** Uses a challenge up; false when another request used it first. */
export async function consumeChallenge(db: Queryable, codeHash: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM auth_challenges WHERE code_hash = $1 AND expires_at > now()', [codeHash]);
  return (rowCount ?? 0) > 0;
}
