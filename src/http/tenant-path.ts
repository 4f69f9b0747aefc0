/**
 * PlexTrac puts the tenant in some paths (`/api/v1/tenant/{tenantId}/…`). A caller reaches only
 * its own tenant; any other id is answered exactly like a tenant that does not exist (404),
 * whatever the caller's role, so it runs as a plugin hook before the routes' role checks.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';

export async function ownTenantOnly(request: FastifyRequest): Promise<void> {
  const raw = (request.params as { tenantId?: unknown } | undefined)?.tenantId;
  if (raw === undefined) return;
  if (String(raw) !== String(request.caller.tenantId)) throw new AppError('TENANT_NOT_FOUND', `tenant ${String(raw)} not found`);
}
