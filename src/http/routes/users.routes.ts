/**
 * A tenant's users (PlexTrac's `GET /api/v2/tenants/{tenantId}/users`, paged), and their
 * management by the tenant's admins: create, update, deactivate, reactivate. Any tenant id but
 * the caller's own answers 404, as a tenant that does not exist would.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { TenantUsersService } from '../../auth/tenant-users.service.js';
import { callerDirectoryFor } from '../../auth/caller-directory.js';
import { parseRole, type Role } from '../../auth/roles.js';
import { authenticate, requireAdmin } from '../auth.js';
import { Security, withErrors } from '../schemas/common.js';
import { Email, NoBody, Paging, Password, PersonName, RoleInput, TenantParams, TenantUserParams, UserView } from '../schemas/people.schemas.js';
import { userView } from '../views/people.view.js';

const UserCreate = Type.Object({
  email: Email,
  name: Type.Optional(PersonName),
  role: Type.Optional(RoleInput),
  password: Type.Optional(Password),
});
const UserUpdate = Type.Object({ name: Type.Optional(Type.Union([PersonName, Type.Null()])), role: Type.Optional(RoleInput), password: Type.Optional(Password) });
const OneUser = Type.Object({ status: Type.Literal('success'), user: UserView });
const CreatedUser = Type.Object({
  status: Type.Literal('success'),
  user: UserView,
  password: Type.Optional(Type.String({ description: 'the generated password; shown only this once' })),
});
const UserPage = Type.Object({
  status: Type.Literal('success'),
  data: Type.Array(UserView),
  meta: Type.Object({ pagination: Type.Object({ page: Type.Integer(), limit: Type.Integer(), total: Type.Integer() }) }),
});

export async function userRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const directory = callerDirectoryFor(deps.pool, deps.config.userCacheSeconds);
  // Deactivation and role changes must bite at once in this process, not after the cache expires.
  const service = new TenantUsersService(deps.pool, (userId) => directory.forgetUser(userId));
  app.addHook('preHandler', authenticate(deps));
  // Runs before the role checks: another tenant is a 404 whatever the caller's role.
  app.addHook('preHandler', async (request: FastifyRequest) => {
    const { tenantId } = request.params as { tenantId?: number };
    if (tenantId !== undefined && tenantId !== request.caller.tenantId) throw new AppError('TENANT_NOT_FOUND', `tenant ${tenantId} not found`);
  });

  app.get<{ Params: Static<typeof TenantParams>; Querystring: Static<typeof Paging> }>(
    '/api/v2/tenants/:tenantId/users',
    {
      schema: {
        tags: ['people'],
        summary: "The tenant's users, a page at a time (any member of the tenant)",
        security: Security,
        params: TenantParams,
        querystring: Paging,
        response: withErrors({ 200: UserPage }, 400, 401, 404),
      },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const limit = request.query.limit ?? 50;
      const { rows, total } = await service.list(request.params.tenantId, page, limit);
      return { status: 'success' as const, data: rows.map(userView), meta: { pagination: { page, limit, total } } };
    },
  );

  app.post<{ Params: Static<typeof TenantParams>; Body: Static<typeof UserCreate> }>(
    '/api/v2/tenants/:tenantId/users',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['people'],
        summary: 'Create a user (tenant admins); a password is generated and returned once when none is given',
        security: Security,
        params: TenantParams,
        body: UserCreate,
        response: withErrors({ 200: CreatedUser }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => {
      const { email, name, role, password } = request.body;
      const created = await service.create(request.params.tenantId, { email, name, password, role: role === undefined ? 'ANALYST' : roleOf(role) });
      return { status: 'success' as const, user: userView(created.user), ...(created.password ? { password: created.password } : {}) };
    },
  );

  app.put<{ Params: Static<typeof TenantUserParams>; Body: Static<typeof UserUpdate> }>(
    '/api/v2/tenants/:tenantId/users/:userId',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['people'],
        summary: "Change a user's name, role or password (tenant admins)",
        security: Security,
        params: TenantUserParams,
        body: UserUpdate,
        response: withErrors({ 200: OneUser }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => {
      const { name, role, password } = request.body;
      const user = await service.update(request.params.tenantId, request.params.userId, { name, password, role: role === undefined ? undefined : roleOf(role) }, request.caller.userId);
      return { status: 'success' as const, user: userView(user) };
    },
  );

  for (const [action, active] of [['deactivate', false], ['activate', true]] as const) {
    app.post<{ Params: Static<typeof TenantUserParams> }>(
      `/api/v2/tenants/:tenantId/users/:userId/${action}`,
      {
        preHandler: requireAdmin,
        schema: {
          tags: ['people'],
          summary: active
            ? 'Reactivate a user (tenant admins)'
            : 'Deactivate a user (tenant admins): they cannot log in, and their session and API tokens stop working',
          security: Security,
          params: TenantUserParams,
          body: NoBody,
          response: withErrors({ 200: OneUser }, 401, 403, 404, 409),
        },
      },
      async (request) => ({ status: 'success' as const, user: userView(await service.setActive(request.params.tenantId, request.params.userId, active)) }),
    );
  }
}

function roleOf(input: string): Role {
  const role = parseRole(input);
  if (!role) throw new AppError('VALIDATION_FAILED', `role must be ADMIN, ANALYST or READ_ONLY; found "${input}"`);
  return role;
}
