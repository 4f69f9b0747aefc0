/**
 * Session tokens are JWTs (HS256) signed with the installation's secret, as PlexTrac's are, so any
 * api process can check one without a database round trip. Expiry is in the token (`exp`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors/app-error.js';

export interface TokenClaims {
  userId: number;
  tenantId: number;
  email: string;
  /** The role when the token was issued. Informative only: requests use the user's current role. */
  role?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export class TokenSigner {
  constructor(private readonly secret: string, private readonly ttlSeconds: number, private readonly now: () => number = Date.now) {}

  issue(claims: Omit<TokenClaims, 'exp'>): { token: string; expiresAt: Date } {
    const exp = Math.floor(this.now() / 1000) + this.ttlSeconds;
    // Field names follow PlexTrac's tokens, which some clients decode themselves (tenantId, username, exp).
    const iat = Math.floor(this.now() / 1000);
    const payload = base64url(
      JSON.stringify({ sub: String(claims.userId), userId: claims.userId, tenantId: claims.tenantId, username: claims.email, role: claims.role, iat, exp }),
    );
    const body = `${HEADER}.${payload}`;
    return { token: `${body}.${this.sign(body)}`, expiresAt: new Date(exp * 1000) };
  }

  /** Returns the token's claims, or throws AUTH_TOKEN_INVALID / AUTH_TOKEN_EXPIRED. */
  verify(token: string): TokenClaims {
    const parts = token.split('.');
    if (parts.length !== 3) throw new AppError('AUTH_TOKEN_INVALID', 'the token is not a valid Intake token');
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (header !== HEADER || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new AppError('AUTH_TOKEN_INVALID', 'the token signature is not valid');
    }
    let claims: { userId?: number; tenantId?: number; username?: string; role?: unknown; exp?: number };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch (error) {
      throw new AppError('AUTH_TOKEN_INVALID', 'the token payload is not JSON', { cause: error });
    }
    if (typeof claims.exp !== 'number') throw new AppError('AUTH_TOKEN_INVALID', 'the token has no expiry');
    if (claims.exp * 1000 <= this.now()) {
      throw new AppError('AUTH_TOKEN_EXPIRED', 'the token has expired; authenticate again');
    }
    if (!Number.isSafeInteger(claims.userId) || !Number.isSafeInteger(claims.tenantId) || typeof claims.username !== 'string') {
      throw new AppError('AUTH_TOKEN_INVALID', 'the token does not name a user');
    }
    const verified: TokenClaims = { userId: Number(claims.userId), tenantId: Number(claims.tenantId), email: String(claims.username), exp: claims.exp };
    if (typeof claims.role === 'string') verified.role = claims.role;
    return verified;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
