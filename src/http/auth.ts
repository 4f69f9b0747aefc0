/**
 * Authentication for every route but login and the probes: the token comes in `authorization`,
 * either as `Bearer <token>` or bare (PlexTrac's own scripts send it bare).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import type { TokenSigner } from '../auth/tokens.js';

export interface Caller {
  userId: number;
  tenantId: number;
  email: string;
  /** The user's role (ADMIN, ANALYST, READ_ONLY…) when known. */
  role?: string;
  /** Who acted, as shown in `createdBy`: the user's email, or `API Token - <name>`. */
  label?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

export function tokenFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const value = header.trim();
  if (/^bearer$/i.test(value)) return null;
  const match = /^Bearer\s+(.+)$/i.exec(value);
  return (match ? match[1]!.trim() : value) || null;
}

export function authenticate(tokens: TokenSigner) {
  return async function requireCaller(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const token = tokenFromHeader(request.headers.authorization);
    if (!token) throw new AppError('AUTH_REQUIRED', 'send the token from /api/v1/authenticate in the authorization header');
    const claims = tokens.verify(token);
    request.caller = { userId: claims.userId, tenantId: claims.tenantId, email: claims.email, label: claims.email };
  };
}
