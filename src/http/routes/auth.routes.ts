/**
 * PlexTrac's login: `POST /api/v1/authenticate` answers with a 15-minute token, or — for a user
 * with MFA — with `mfa_enabled: true` and a challenge `code` that `POST /api/v1/authenticate/mfa`
 * completes with a six-digit TOTP. `PUT /api/v1/token/refresh` starts a new 15-minute session.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { AuthService, type Session } from '../../auth/auth.service.js';
import { AuthRateLimiter, rateLimitsOf } from '../../auth/rate-limit.js';
import { authenticate, requireSessionToken, tokenFromHeader } from '../auth.js';
import { sessionCookie } from '../cookies.js';
import { Security, withErrors } from '../schemas/common.js';
import { withRetryAfter } from '../rate-limited.js';

const Credentials = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
const MfaLogin = Type.Object({
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the `code` the first step answered (or send it in `authorization`)' })),
  token: Type.String({ minLength: 1, maxLength: 20, description: 'the six digits of the authenticator app' }),
});
const SessionResponse = Type.Object({
  status: Type.Literal('success'),
  token: Type.String(),
  tenant_id: Type.Integer(),
  cookie: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
});
const LoginResponse = Type.Object(
  {
    status: Type.Literal('success'),
    tenant_id: Type.Integer(),
    token: Type.Optional(Type.String()),
    cookie: Type.Optional(Type.String()),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
    mfa_enabled: Type.Optional(Type.Literal(true)),
    code: Type.Optional(Type.String({ description: 'MFA challenge for /api/v1/authenticate/mfa, valid 5 minutes' })),
  },
  { description: 'Either a session (token, cookie, expires_at) or, for a user with MFA, mfa_enabled and code' },
);

export async function authRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const service = new AuthService(deps.pool, deps.tokens, new AuthRateLimiter(deps.pool, rateLimitsOf(deps.config)));
  const secureCookie = deps.config.publicUrl.startsWith('https://');

  /** The PlexTrac login answer; the token is also set as the cookie `<img>` requests carry. */
  function sessionBody(reply: FastifyReply, session: Session) {
    reply.header('set-cookie', sessionCookie(session.token, deps.config.tokenTtlSeconds, secureCookie));
    return {
      status: 'success' as const,
      token: session.token,
      tenant_id: session.tenantId,
      // PlexTrac answers with a cookie value too; clients use `token`.
      cookie: session.token,
      expires_at: session.expiresAt.toISOString(),
    };
  }

  app.post<{ Body: Static<typeof Credentials> }>(
    '/api/v1/authenticate',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in; the token goes in `authorization` (bare or as Bearer) on every other route',
        description: 'Failures are deliberately vague. Too many failures for an account or from an address answer 429 with Retry-After.',
        body: Credentials,
        response: withErrors({ 200: LoginResponse }, 400, 401, 429),
      },
    },
    async (request, reply) => {
      const outcome = await withRetryAfter(reply, () => service.login(request.body.username, request.body.password, request.ip));
      if (outcome.kind === 'mfa') return { status: 'success' as const, tenant_id: outcome.tenantId, mfa_enabled: true as const, code: outcome.code };
      return sessionBody(reply, outcome);
    },
  );

  app.post<{ Body: Static<typeof MfaLogin> }>(
    '/api/v1/authenticate/mfa',
    {
      schema: {
        tags: ['auth'],
        summary: 'Second step of an MFA login: `code` from the first step and `token`, the six-digit TOTP',
        body: MfaLogin,
        response: withErrors({ 200: SessionResponse }, 400, 401, 429),
      },
    },
    async (request, reply) => {
      // Old PlexTrac scripts send the challenge in `authorization` and only `token` in the body.
      const challenge = request.body.code ?? tokenFromHeader(request.headers.authorization);
      if (!challenge) throw new AppError('VALIDATION_FAILED', 'send the `code` from /api/v1/authenticate with the six-digit `token`');
      const session = await withRetryAfter(reply, () => service.completeMfa(challenge, request.body.token, request.ip));
      return sessionBody(reply, session);
    },
  );

  await app.register(async (scope) => {
    scope.addHook('preHandler', authenticate(deps));
    scope.put(
      '/api/v1/token/refresh',
      {
        preHandler: requireSessionToken,
        schema: {
          tags: ['auth'],
          summary: 'A new 15-minute session token from a still-valid one',
          security: Security,
          response: withErrors({ 200: SessionResponse }, 401, 403),
        },
      },
      async (request, reply) => sessionBody(reply, await service.refresh(request.caller.userId)),
    );
  });
}
