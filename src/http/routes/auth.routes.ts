/** POST /api/v1/authenticate: PlexTrac's login, answering with a 15-minute token. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { login } from '../../auth/auth.service.js';
import { withErrors } from '../schemas/common.js';

const Credentials = Type.Object({ username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) });
const LoginResponse = Type.Object({
  status: Type.Literal('success'),
  token: Type.String(),
  tenant_id: Type.Integer(),
  cookie: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
});

export async function authRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.post<{ Body: Static<typeof Credentials> }>(
    '/api/v1/authenticate',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in; the token goes in `authorization` (bare or as Bearer) on every other route',
        body: Credentials,
        response: withErrors({ 200: LoginResponse }, 400, 401),
      },
    },
    async (request) => {
      const result = await login(deps.pool, deps.tokens, request.body.username, request.body.password);
      return {
        status: 'success' as const,
        token: result.token,
        tenant_id: result.tenantId,
        // PlexTrac answers with a cookie value too; clients use `token`.
        cookie: result.token,
        expires_at: result.expiresAt.toISOString(),
      };
    },
  );
}
