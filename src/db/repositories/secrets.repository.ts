import { randomBytes } from 'node:crypto';
import type { Queryable } from '../pool.js';

/** Returns the named installation secret, generating it on first use (race-safe). */
export async function getOrCreateSecret(db: Queryable, name: string): Promise<string> {
  await db.query('INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    name,
    randomBytes(32).toString('base64url'),
  ]);
  const { rows } = await db.query('SELECT value FROM app_secrets WHERE name = $1', [name]);
  return rows[0].value;
}
