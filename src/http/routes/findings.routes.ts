/** Reading what imports produced: a report's flaws, one flaw with its assets, a client's assets. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { getReport } from '../../db/repositories/clients.repository.js';
import { getFinding, listAffectedAssets, listClientAssets, listReportFindings } from '../../db/repositories/findings.repository.js';
import { ClientParams, IdParam, ReportParams, Security, withErrors } from '../schemas/common.js';
import { authenticate } from '../auth.js';
import { assetView, flawRowView, flawView } from '../views/findings.view.js';
import { mustClient } from './clients.routes.js';
import { FindingsService } from '../../content/findings.service.js';
import { writeAccess } from '../write-access.js';

const Loose = Type.Record(Type.String(), Type.Unknown());
const FlawParams = Type.Object({ clientId: IdParam, reportId: IdParam, findingId: IdParam });
const FlawRow = Type.Object({ id: Type.String(), doc_id: Type.Array(Type.String()), data: Type.Array(Type.Unknown()) });

/** The members of PlexTrac's finding object a client may set; others (read-only ones a GET returned) are ignored. */
const flawMembers = {
  title: Type.String({ minLength: 1, maxLength: 1000 }),
  severity: Type.String({ description: 'Critical, High, Medium, Low or Informational' }),
  status: Type.String({ description: 'Open, In Process or Closed' }),
  description: Type.String({ maxLength: 1_000_000, description: 'rich text (HTML); sanitised' }),
  recommendations: Type.Optional(Type.String({ maxLength: 1_000_000 })),
  references: Type.Optional(Type.Union([Type.String({ maxLength: 1_000_000 }), Type.Array(Type.String())])),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 500 })),
  fields: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: '{key: {label, value}}' })),
  common_identifiers: Type.Optional(
    Type.Object({ CVE: Type.Optional(Type.Array(Type.Unknown())), CWE: Type.Optional(Type.Array(Type.Unknown())) }, { additionalProperties: true }),
  ),
  risk_score: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  subStatus: Type.Optional(Type.String()),
  assignedTo: Type.Optional(Type.String()),
  visibility: Type.Optional(Type.String()),
  calculated_severity: Type.Optional(Type.Boolean()),
};
const FlawCreate = Type.Object(flawMembers, { additionalProperties: true });
const FlawUpdate = Type.Partial(Type.Object(flawMembers), { additionalProperties: true });
const FlawWritten = Type.Object({ status: Type.Literal('success'), message: Type.String(), flaw_id: Type.Integer() });

export async function findingRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps));
  const findings = new FindingsService(deps.pool);
  const canWrite = writeAccess;

  const mustReport = async (tenantId: number, clientId: number, reportId: number) => {
    const report = await getReport(deps.pool, tenantId, clientId, reportId);
    if (!report) throw new AppError('REPORT_NOT_FOUND', `report ${reportId} not found for client ${clientId}`);
    return report;
  };

  app.get<{ Params: Static<typeof ReportParams> }>(
    '/api/v1/client/:clientId/report/:reportId/flaws',
    { schema: { tags: ['findings'], security: Security, params: ReportParams, response: withErrors({ 200: Type.Array(FlawRow) }, 401, 404) } },
    async (request) => {
      const { clientId, reportId } = request.params;
      const report = await mustReport(request.caller.tenantId, clientId, reportId);
      return (await listReportFindings(deps.pool, request.caller.tenantId, report.id)).map(flawRowView);
    },
  );

  app.get<{ Params: Static<typeof FlawParams> }>(
    '/api/v1/client/:clientId/report/:reportId/flaw/:findingId',
    { schema: { tags: ['findings'], security: Security, params: FlawParams, response: withErrors({ 200: Loose }, 401, 404) } },
    async (request) => {
      const { clientId, reportId, findingId } = request.params;
      const report = await mustReport(request.caller.tenantId, clientId, reportId);
      const finding = await getFinding(deps.pool, request.caller.tenantId, report.id, findingId);
      if (!finding) throw new AppError('FINDING_NOT_FOUND', `finding ${findingId} not found in report ${reportId}`);
      return flawView(finding, await listAffectedAssets(deps.pool, finding.id));
    },
  );

  app.post<{ Params: Static<typeof ReportParams>; Body: Static<typeof FlawCreate> }>(
    '/api/v1/client/:clientId/report/:reportId/flaw/create',
    {
      preHandler: canWrite,
      schema: {
        tags: ['findings'],
        summary: 'Create a finding (source `manual`); rich-text fields may hold <img src="/api/v1/uploads/…">',
        security: Security,
        params: ReportParams,
        body: FlawCreate,
        response: withErrors({ 200: FlawWritten }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => {
      const { clientId, reportId } = request.params;
      const created = await findings.create({ tenantId: request.caller.tenantId, clientId, reportId }, request.body);
      return { status: 'success' as const, message: 'Flaw created', flaw_id: created.id };
    },
  );

  app.put<{ Params: Static<typeof FlawParams>; Body: Static<typeof FlawUpdate> }>(
    '/api/v1/client/:clientId/report/:reportId/flaw/:findingId',
    {
      preHandler: canWrite,
      schema: {
        tags: ['findings'],
        summary: 'Update a finding: PUT back the object GET returned, changed (members not sent are kept)',
        security: Security,
        params: FlawParams,
        body: FlawUpdate,
        response: withErrors({ 200: FlawWritten }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => {
      const { clientId, reportId, findingId } = request.params;
      const updated = await findings.update({ tenantId: request.caller.tenantId, clientId, reportId }, findingId, request.body);
      return { status: 'success' as const, message: 'Flaw updated', flaw_id: updated.id };
    },
  );

  app.delete<{ Params: Static<typeof FlawParams> }>(
    '/api/v1/client/:clientId/report/:reportId/flaw/:findingId',
    {
      preHandler: canWrite,
      schema: {
        tags: ['findings'],
        summary: 'Delete a finding with its affected-asset links and evidence',
        security: Security,
        params: FlawParams,
        response: withErrors({ 200: FlawWritten }, 401, 403, 404),
      },
    },
    async (request) => {
      const { clientId, reportId, findingId } = request.params;
      await findings.remove({ tenantId: request.caller.tenantId, clientId, reportId }, findingId);
      return { status: 'success' as const, message: 'Flaw deleted', flaw_id: findingId };
    },
  );

  app.get<{ Params: Static<typeof ClientParams> }>(
    '/api/v1/client/:clientId/assets',
    { schema: { tags: ['assets'], security: Security, params: ClientParams, response: withErrors({ 200: Type.Array(Loose) }, 401, 404) } },
    async (request) => {
      const client = await mustClient(deps, request.caller.tenantId, request.params.clientId);
      return (await listClientAssets(deps.pool, request.caller.tenantId, client.id)).map(assetView);
    },
  );
}
