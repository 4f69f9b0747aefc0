/**
 * Tenants, managed by the instance admin: `POST /api/v2/tenants` creates a tenant with its first
 * admin (a generated password is returned once when none is given); `GET /api/v2/tenants` lists them.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { createTenantWithAdmin } from '../../auth/tenants.service.js';
import { listTenants } from '../../db/repositories/tenants.repository.js';
import { authenticate, requireInstanceAdmin } from '../auth.js';
import { Security, withErrors } from '../schemas/common.js';
import { Email, Password, PersonName, TenantView, UserView } from '../schemas/people.schemas.js';
import { tenantView, userView } from '../views/people.view.js';

const TenantCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  admin: Type.Object({ email: Email, password: Type.Optional(Password), name: Type.Optional(PersonName) }),
});
const TenantCreated = Type.Object({
  status: Type.Literal('success'),
  tenant: TenantView,
  admin: UserView,
  password: Type.Optional(Type.String({ description: 'the generated password of the admin; shown only this once' })),
});

export async function tenantRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps));

  app.post<{ Body: Static<typeof TenantCreate> }>(
    '/api/v2/tenants',
    {
      preHandler: requireInstanceAdmin,
      schema: {
        tags: ['people'],
        summary: 'Create a tenant and its first admin (instance admin only)',
        security: Security,
        body: TenantCreate,
        response: withErrors({ 200: TenantCreated }, 400, 401, 403, 409),
      },
    },
    async (request) => {
      const created = await createTenantWithAdmin(deps.pool, request.body);
      return {
        status: 'success' as const,
        tenant: tenantView(created.tenant),
        admin: userView(created.admin),
        ...(created.generatedPassword ? { password: created.generatedPassword } : {}),
      };
    },
  );

  app.get(
    '/api/v2/tenants',
    {
      preHandler: requireInstanceAdmin,
      schema: {
        tags: ['people'],
        summary: 'Every tenant of the installation (instance admin only)',
        security: Security,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), data: Type.Array(TenantView) }) }, 401, 403),
      },
    },
    async () => ({ status: 'success' as const, data: (await listTenants(deps.pool)).map(tenantView) }),
  );
}
