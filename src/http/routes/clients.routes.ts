/** PlexTrac-style clients and reports (v1). Bodies may be JSON or form-encoded; "" means unset. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { createClient, createReport, getClient, getReport, listClients, listReports } from '../../db/repositories/clients.repository.js';
import { ClientParams, ReportParams, Security, withErrors } from '../schemas/common.js';
import { authenticate, requireWrite } from '../auth.js';
import { clientView, reportRowView, reportView } from '../views/clients.view.js';

const Loose = Type.Record(Type.String(), Type.Unknown());
const ClientCreate = Type.Object({ name: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: true });
const ReportCreate = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 500 }), status: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: true },
);
const ListRow = Type.Object({ id: Type.Union([Type.String(), Type.Integer()]), doc_id: Type.Array(Type.Integer()), data: Type.Array(Type.Unknown()) });

export async function clientRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps));

  app.post<{ Body: Static<typeof ClientCreate> }>(
    '/api/v1/client/create',
    {
      preHandler: requireWrite,
      schema: {
        tags: ['clients'],
        security: Security,
        body: ClientCreate,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), client_id: Type.Integer(), message: Type.String() }) }, 400, 401),
      },
    },
    async (request) => {
      const { name, ...rest } = request.body;
      const client = await createClient(deps.pool, request.caller.tenantId, name.trim(), withoutBlanks(rest));
      return { status: 'success' as const, client_id: client.id, message: 'Client created successfully' };
    },
  );

  app.get('/api/v1/client/list', { schema: { tags: ['clients'], security: Security, response: withErrors({ 200: Type.Array(ListRow) }, 401) } }, async (request) => {
    const clients = await listClients(deps.pool, request.caller.tenantId);
    return clients.map((c) => ({ id: `client_${c.id}`, doc_id: [c.id], data: [c.id, c.name, null] }));
  });

  app.get<{ Params: Static<typeof ClientParams> }>(
    '/api/v1/client/:clientId',
    { schema: { tags: ['clients'], security: Security, params: ClientParams, response: withErrors({ 200: Loose }, 401, 404) } },
    async (request) => clientView(await mustClient(deps, request.caller.tenantId, request.params.clientId)),
  );

  app.post<{ Params: Static<typeof ClientParams>; Body: Static<typeof ReportCreate> }>(
    '/api/v1/client/:clientId/report/create',
    {
      preHandler: requireWrite,
      schema: {
        tags: ['reports'],
        security: Security,
        params: ClientParams,
        body: ReportCreate,
        response: withErrors(
          { 200: Type.Object({ status: Type.Literal('success'), message: Type.String(), report_id: Type.Integer(), doc_id: Type.String() }) },
          400,
          401,
          404,
        ),
      },
    },
    async (request) => {
      const { tenantId } = request.caller;
      const client = await mustClient(deps, tenantId, request.params.clientId);
      const { name, status, ...rest } = request.body;
      const report = await createReport(deps.pool, { tenantId, clientId: client.id, name: name.trim(), status: status || 'Draft', data: withoutBlanks(rest) });
      return { status: 'success' as const, message: 'success', report_id: report.id, doc_id: `report_${report.id}_client_${client.id}` };
    },
  );

  app.get<{ Params: Static<typeof ClientParams> }>(
    '/api/v1/client/:clientId/reports',
    { schema: { tags: ['reports'], security: Security, params: ClientParams, response: withErrors({ 200: Type.Array(ListRow) }, 401, 404) } },
    async (request) => {
      const client = await mustClient(deps, request.caller.tenantId, request.params.clientId);
      const reports = await listReports(deps.pool, request.caller.tenantId, client.id);
      return reports.map(reportRowView);
    },
  );

  app.get<{ Params: Static<typeof ReportParams> }>(
    '/api/v1/client/:clientId/report/:reportId',
    { schema: { tags: ['reports'], security: Security, params: ReportParams, response: withErrors({ 200: Loose }, 401, 404) } },
    async (request) => {
      const { clientId, reportId } = request.params;
      const report = await getReport(deps.pool, request.caller.tenantId, clientId, reportId);
      if (!report) throw new AppError('REPORT_NOT_FOUND', `report ${reportId} not found for client ${clientId}`);
      return reportView(report);
    },
  );
}

export async function mustClient(deps: AppDeps, tenantId: number, clientId: number) {
  const client = await getClient(deps.pool, tenantId, clientId);
  if (!client) throw new AppError('CLIENT_NOT_FOUND', `client ${clientId} not found`);
  return client;
}

/** Form-encoded clients send "" for every field they do not use. */
function withoutBlanks(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== '' && v !== undefined && v !== null));
}
