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

const Loose = Type.Record(Type.String(), Type.Unknown());
const FlawParams = Type.Object({ clientId: IdParam, reportId: IdParam, findingId: IdParam });
const FlawRow = Type.Object({ id: Type.String(), doc_id: Type.Array(Type.String()), data: Type.Array(Type.Unknown()) });

export async function findingRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps.tokens));

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

  app.get<{ Params: Static<typeof ClientParams> }>(
    '/api/v1/client/:clientId/assets',
    { schema: { tags: ['assets'], security: Security, params: ClientParams, response: withErrors({ 200: Type.Array(Loose) }, 401, 404) } },
    async (request) => {
      const client = await mustClient(deps, request.caller.tenantId, request.params.clientId);
      return (await listClientAssets(deps.pool, request.caller.tenantId, client.id)).map(assetView);
    },
  );
}
