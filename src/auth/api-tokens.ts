/**
 * Personal access tokens: `pa_` and 43 URL-safe characters (256 random bits). Only the SHA-256
 * of the whole token is stored: the token is high-entropy, so a plain hash cannot be reversed
 * by guessing, and a lookup by hash needs no per-token salt.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'pa_';

export function isApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}

export function generateApiToken(): { token: string; hash: string } {
  const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashApiToken(token) };
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** How an API token's user appears in `createdBy` and logs. */
export function apiTokenLabel(name: string): string {
  return `API Token - ${name}`;
}
