/**
 * Authentication for every route but login and the probes: the token comes in `authorization`,
 * either as `Bearer <token>` or bare (PlexTrac's own scripts send it bare). A session JWT or a
 * personal API token (`pa_…`) is accepted. Role checks are preHandlers that run after it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import type { Pool } from '../db/pool.js';
import type { TokenSigner } from '../auth/tokens.js';
import { callerDirectoryFor } from '../auth/caller-directory.js';
import { WRITE_ROLES, type Role } from '../auth/roles.js';
import { SESSION_COOKIE, parseCookies } from './cookies.js';

export interface Caller {
  userId: number;
  tenantId: number;
  email: string;
  /** The user's current role: ADMIN, ANALYST or READ_ONLY. */
  role?: string;
  /** Who acted, as shown in `createdBy`: the user's email, or `API Token - <name>`. */
  label?: string;
  /** The instance admin creates tenants. */
  isInstanceAdmin?: boolean;
  /** Set when the request came with an API token rather than a session token. */
  apiTokenId?: number;
}

/** A Fastify preHandler: use in `app.addHook('preHandler', …)` or a route's `preHandler` option. */
export type PreHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

/** What authenticate needs: pass the route plugin's `deps` (AppDeps has all of it). */
export interface AuthDeps {
  tokens: TokenSigner;
  pool: Pool;
  config: { userCacheSeconds?: number };
}

export interface AuthOptions {
  /**
   * Also accept the session cookie (for routes a browser loads by itself, such as `<img src>`).
   * Only for GET routes: a cookie is sent on cross-site requests too.
   */
  cookie?: boolean;
}

export function tokenFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const value = header.trim();
  if (/^bearer$/i.test(value)) return null;
  const match = /^Bearer\s+(.+)$/i.exec(value);
  return (match ? match[1]!.trim() : value) || null;
}

/** Full deps seen so far, by signer: lets the older `authenticate(deps.tokens)` form do every check. */
const depsBySigner = new WeakMap<TokenSigner, AuthDeps>();

/**
 * The preHandler that sets `request.caller`. Pass the route plugin's deps.
 * (`authenticate(deps.tokens)` is still accepted, as long as a plugin registered earlier passed the
 * full deps — authRoutes does — but is deprecated: pass `deps`.)
 */
export function authenticate(deps: AuthDeps | TokenSigner, options: AuthOptions = {}): PreHandler {
  const full = resolveDeps(deps);
  const directory = callerDirectoryFor(full.pool, full.config?.userCacheSeconds ?? 5);
  return async function requireCaller(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const token = tokenFromHeader(request.headers.authorization) ?? (options.cookie ? cookieToken(request) : null);
    if (!token) throw new AppError('AUTH_REQUIRED', 'send the token from /api/v1/authenticate in the authorization header');
    const identity = await directory.identify(full.tokens, token);
    request.caller = {
      userId: identity.userId,
      tenantId: identity.tenantId,
      email: identity.email,
      role: identity.role,
      label: identity.label,
      isInstanceAdmin: identity.isInstanceAdmin,
      ...(identity.apiToken ? { apiTokenId: identity.apiToken.id } : {}),
    };
  };
}

function resolveDeps(deps: AuthDeps | TokenSigner): AuthDeps {
  if (deps && typeof deps === 'object' && 'pool' in deps && 'tokens' in deps) {
    depsBySigner.set(deps.tokens, deps);
    return deps;
  }
  const known = depsBySigner.get(deps as TokenSigner);
  // Checking deactivation and API tokens needs the database: a bare signer cannot do it.
  if (!known) throw new Error('authenticate(deps) needs the route plugin deps ({tokens, pool, config}), not deps.tokens');
  return known;
}

function cookieToken(request: FastifyRequest): string | null {
  return parseCookies(request.headers.cookie)[SESSION_COOKIE] || null;
}

/** A preHandler allowing only the given roles (after authenticate). Others get 403 FORBIDDEN_ROLE. */
export function requireRole(...roles: Role[]): PreHandler {
  const allowed = new Set<string>(roles);
  return async function checkRole(request: FastifyRequest): Promise<void> {
    const role = request.caller?.role;
    if (!role || !allowed.has(role)) {
      throw new AppError('FORBIDDEN_ROLE', `this action needs the role ${roles.join(' or ')}; your role is ${role ?? 'unknown'}`);
    }
  };
}

/** Routes that create, change or delete tenant data: ADMIN and ANALYST, not READ_ONLY. */
export const requireWrite: PreHandler = requireRole(...WRITE_ROLES);

/** Managing the tenant's users. */
export const requireAdmin: PreHandler = requireRole('ADMIN');

export const requireInstanceAdmin: PreHandler = async function checkInstanceAdmin(request: FastifyRequest): Promise<void> {
  if (!request.caller?.isInstanceAdmin) throw new AppError('FORBIDDEN_INSTANCE_ADMIN', 'only the instance admin can manage tenants');
};

/**
 * Changing one's own credentials (MFA, API tokens) needs a session token: a leaked API token
 * must not be able to mint more tokens or switch MFA off.
 */
export const requireSessionToken: PreHandler = async function checkSessionToken(request: FastifyRequest): Promise<void> {
  if (request.caller?.apiTokenId !== undefined) {
    throw new AppError('API_TOKEN_NOT_ALLOWED', 'this action needs a session token from /api/v1/authenticate, not an API token');
  }
};
