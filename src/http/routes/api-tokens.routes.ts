/**
 * Personal access tokens (`pa_…`): created by a logged-in user and shown once, listed without the
 * secret, revoked. They work on every route a session token works on; `createdBy` then reads
 * `API Token - <name>`.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { generateApiToken } from '../../auth/api-tokens.js';
import { callerDirectoryFor } from '../../auth/caller-directory.js';
import { insertApiToken, listApiTokens, revokeApiToken } from '../../db/repositories/api-tokens.repository.js';
import { authenticate, requireSessionToken } from '../auth.js';
import { IdParam, Security, withErrors } from '../schemas/common.js';
import { ApiTokenView } from '../schemas/people.schemas.js';
import { apiTokenView } from '../views/people.view.js';

const TokenCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'when the token stops working; none = until revoked' })),
});
const TokenCreated = Type.Composite([
  Type.Object({ status: Type.Literal('success'), token: Type.String({ description: 'pa_…; shown only this once' }) }),
  ApiTokenView,
]);
const TokenParams = Type.Object({ id: IdParam });

export async function apiTokenRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const directory = callerDirectoryFor(deps.pool, deps.config.userCacheSeconds);
  app.addHook('preHandler', authenticate(deps));

  app.post<{ Body: Static<typeof TokenCreate> }>(
    '/api/v2/api-tokens',
    {
      // A leaked API token must not be able to mint more tokens that outlive its revocation.
      preHandler: requireSessionToken,
      schema: {
        tags: ['people'],
        summary: 'Create a personal API token (needs a session token); the token is shown once',
        security: Security,
        body: TokenCreate,
        response: withErrors({ 200: TokenCreated }, 400, 401, 403, 409),
      },
    },
    async (request) => {
      const { tenantId, userId } = request.caller;
      const name = request.body.name.trim();
      const expiresAt = request.body.expiresAt === undefined ? null : new Date(request.body.expiresAt);
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw new AppError('VALIDATION_FAILED', `expiresAt must be in the future; found ${request.body.expiresAt}`);
      }
      const { token, hash } = generateApiToken();
      const row = await insertApiToken(deps.pool, { tenantId, userId, name, hash, expiresAt });
      if (!row) throw new AppError('API_TOKEN_NAME_TAKEN', `you already have a live API token named "${name}"; revoke it or choose another name`);
      return { status: 'success' as const, token, ...apiTokenView(row) };
    },
  );

  app.get(
    '/api/v2/api-tokens',
    {
      schema: {
        tags: ['people'],
        summary: "The caller's live API tokens (never the secret)",
        security: Security,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), data: Type.Array(ApiTokenView) }) }, 401),
      },
    },
    async (request) => ({
      status: 'success' as const,
      data: (await listApiTokens(deps.pool, request.caller.tenantId, request.caller.userId)).map(apiTokenView),
    }),
  );

  app.delete<{ Params: Static<typeof TokenParams> }>(
    '/api/v2/api-tokens/:id',
    {
      schema: {
        tags: ['people'],
        summary: 'Revoke one of your API tokens: it is refused (401) from now on',
        security: Security,
        params: TokenParams,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), message: Type.String() }) }, 401, 404),
      },
    },
    async (request) => {
      const revoked = await revokeApiToken(deps.pool, request.caller.tenantId, request.caller.userId, request.params.id);
      if (!revoked) throw new AppError('API_TOKEN_NOT_FOUND', `you have no live API token ${request.params.id}`);
      directory.forgetApiTokens();
      return { status: 'success' as const, message: `API token ${request.params.id} revoked` };
    },
  );
}
