/**
 * The caller's own account: who am I, and TOTP multi-factor enrolment
 * (`POST /api/v2/users/me/mfa` → secret and otpauth URL; `…/confirm {code}` turns it on;
 * `DELETE … {code}` turns it off). Changing MFA needs a session token, not an API token.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { MfaService } from '../../auth/mfa.service.js';
import { AuthRateLimiter, rateLimitsOf } from '../../auth/rate-limit.js';
import { userById } from '../../db/repositories/people.repository.js';
import { authenticate, requireSessionToken } from '../auth.js';
import { Security, withErrors } from '../schemas/common.js';
import { withRetryAfter } from '../rate-limited.js';
import { NoBody, TotpCode, UserView } from '../schemas/people.schemas.js';
import { userView } from '../views/people.view.js';

const MfaState = Type.Object({ status: Type.Literal('success'), mfaEnabled: Type.Boolean() });
const Enrolment = Type.Object({
  status: Type.Literal('success'),
  secret: Type.String({ description: 'base32 TOTP secret (SHA1, 6 digits, 30 s), to type into an authenticator app' }),
  otpauthUrl: Type.String({ description: 'the same secret as an otpauth:// URL, for a QR code' }),
});

export async function meRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const mfa = new MfaService(deps.pool, new AuthRateLimiter(deps.pool, rateLimitsOf(deps.config)));
  app.addHook('preHandler', authenticate(deps));

  app.get(
    '/api/v2/users/me',
    { schema: { tags: ['people'], summary: 'The caller: role, tenant, MFA state', security: Security, response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), user: UserView, via: Type.String() }) }, 401) } },
    async (request) => {
      const user = await userById(deps.pool, request.caller.userId);
      if (!user) throw new AppError('AUTH_TOKEN_INVALID', 'the token is no longer valid; authenticate again');
      return { status: 'success' as const, user: userView(user), via: request.caller.label ?? user.email };
    },
  );

  app.post(
    '/api/v2/users/me/mfa',
    {
      preHandler: requireSessionToken,
      schema: {
        tags: ['people'],
        summary: 'Start MFA enrolment: a new TOTP secret, not in force until confirmed',
        security: Security,
        body: NoBody,
        response: withErrors({ 200: Enrolment }, 401, 403, 409),
      },
    },
    async (request) => ({ status: 'success' as const, ...(await mfa.start(request.caller.userId)) }),
  );

  app.post<{ Body: Static<typeof TotpCode> }>(
    '/api/v2/users/me/mfa/confirm',
    {
      preHandler: requireSessionToken,
      schema: { tags: ['people'], summary: 'Confirm enrolment with a first code: MFA is on from now', security: Security, body: TotpCode, response: withErrors({ 200: MfaState }, 400, 401, 403, 409, 429) },
    },
    async (request, reply) => {
      await withRetryAfter(reply, () => mfa.confirm(request.caller.userId, request.body.code, request.ip));
      return { status: 'success' as const, mfaEnabled: true };
    },
  );

  app.delete<{ Body: Static<typeof TotpCode> }>(
    '/api/v2/users/me/mfa',
    {
      preHandler: requireSessionToken,
      schema: { tags: ['people'], summary: 'Switch MFA off, with a current code', security: Security, body: TotpCode, response: withErrors({ 200: MfaState }, 400, 401, 403, 409, 429) },
    },
    async (request, reply) => {
      await withRetryAfter(reply, () => mfa.disable(request.caller.userId, request.body.code, request.ip));
      return { status: 'success' as const, mfaEnabled: false };
    },
  );
}
