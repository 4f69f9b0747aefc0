/** Spec 3: connectors (built-in and the tenant's own) and applications that use them. */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { authenticate, requireAdmin, requireWrite } from '../auth.js';
import { withTransaction } from '../../db/pool.js';
import { Security } from '../schemas/common.js';
import { NoBody } from '../schemas/people.schemas.js';
import { COLUMN_TYPES } from '../../connectors/model.js';
import { archiveApplication, getApplication, getConnector, insertApplication, insertConnector, isUuid, listApplications, listConnectors } from '../../db/repositories/connectors.repository.js';
import { listApplicationRecords } from '../../db/repositories/application-records.repository.js';
import { applicationView, connectorView } from '../views/connectors.view.js';
import { validationError } from '../../connectors/application-import.service.js';

const Loose = Type.Record(Type.String(), Type.Unknown());
const Spec3Error = Type.Object({ error: Type.String(), message: Type.String(), correlationId: Type.String(), errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })) });
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, Spec3Error]));

const Column = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  required: Type.Optional(Type.Boolean()),
  type: Type.Optional(Type.Union(COLUMN_TYPES.map((t) => Type.Literal(t)))),
});
const FileGroupInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  required: Type.Optional(Type.Boolean()),
  columns: Type.Array(Column, { minItems: 1, maxItems: 500 }),
  role: Type.Optional(Type.Union([Type.Literal('accounts'), Type.Literal('privileges'), Type.Literal('other')])),
  accountColumn: Type.Optional(Type.String({ maxLength: 200 })),
});
const ConnectorInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: Type.Optional(Type.Union([Type.Literal('file'), Type.Literal('api')])),
  fileGroups: Type.Optional(Type.Array(FileGroupInput, { maxItems: 50 })),
});
const ApplicationInput = Type.Object({ name: Type.String({ minLength: 1, maxLength: 500 }), connectorId: Type.String() });
const IdParams = Type.Object({ id: Type.String() });
const PageQuery = Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1 })) });

export async function connectorRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps));

  app.get('/api/connectors', { schema: { tags: ['connector imports'], security: Security, response: { 200: Type.Array(Loose), ...errors(401) } } }, async (request) =>
    (await listConnectors(deps.pool, request.caller.tenantId)).map(connectorView),
  );

  app.post<{ Body: Static<typeof ConnectorInput> }>(
    '/api/connectors',
    {
      // Connectors are the tenant's integration settings, defined by its admins (issue 5);
      // analysts create applications and imports with them.
      preHandler: requireAdmin,
      schema: { tags: ['connector imports'], summary: 'Define a connector and its file groups (CSV schemas)', security: Security, body: ConnectorInput, response: { 201: Loose, ...errors(400, 401) } } },
    async (request, reply) => {
      const { name, kind = 'file', fileGroups = [] } = request.body;
      const problems = fileGroups.flatMap((g, i) => {
        const names = g.columns.map((c) => c.name.trim().toLowerCase());
        const out: { field: string; message: string }[] = [];
        if (new Set(names).size !== names.length) out.push({ field: `fileGroups[${i}].columns`, message: 'Column names must be unique' });
        if ((g.role === 'accounts' || g.role === 'privileges') && (!g.accountColumn || !names.includes(g.accountColumn.trim().toLowerCase()))) {
          out.push({ field: `fileGroups[${i}].accountColumn`, message: `A ${g.role} file group must name its account column, one of its columns` });
        }
        return out;
      });
      if (kind === 'file' && fileGroups.length === 0) problems.push({ field: 'fileGroups', message: 'A file connector needs at least one file group' });
      if (kind !== 'file' && fileGroups.length > 0) problems.push({ field: 'fileGroups', message: 'Only file connectors have file groups' });
      if (problems.length > 0) throw validationError(problems);
      const connector = {
        id: randomUUID(),
        tenantId: request.caller.tenantId,
        name: name.trim(),
        kind,
        fileGroups: fileGroups.map((g, i) => ({
          id: randomUUID(),
          connectorId: '',
          name: g.name.trim(),
          required: g.required ?? true,
          position: i + 1,
          columns: g.columns.map((c) => ({ name: c.name.trim(), required: c.required ?? false, type: c.type ?? 'string' })),
          role: g.role ?? 'other',
          accountColumn: g.accountColumn?.trim() ?? null,
        })),
      };
      await withTransaction(deps.pool, (tx) => insertConnector(tx, connector));
      return reply.code(201).send(connectorView((await getConnector(deps.pool, request.caller.tenantId, connector.id))!));
    },
  );

  app.post<{ Body: Static<typeof ApplicationInput> }>(
    '/api/applications',
    {
      preHandler: requireWrite,
      schema: { tags: ['connector imports'], security: Security, body: ApplicationInput, response: { 201: Loose, ...errors(400, 401) } } },
    async (request, reply) => {
      const { name, connectorId } = request.body;
      const connector = isUuid(connectorId) ? await getConnector(deps.pool, request.caller.tenantId, connectorId) : null;
      if (!connector) throw validationError([{ field: 'connectorId', message: 'Connector not found' }]);
      const application = await insertApplication(deps.pool, { id: randomUUID(), tenantId: request.caller.tenantId, name: name.trim(), connectorId: connector.id });
      return reply.code(201).send(applicationView(application));
    },
  );

  app.get('/api/applications', { schema: { tags: ['connector imports'], security: Security, response: { 200: Type.Array(Loose), ...errors(401) } } }, async (request) =>
    (await listApplications(deps.pool, request.caller.tenantId)).map(applicationView),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/applications/:id',
    { schema: { tags: ['connector imports'], security: Security, params: IdParams, response: { 200: Loose, ...errors(401, 404) } } },
    async (request) => applicationView(await mustApplication(deps, request.caller.tenantId, request.params.id)),
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/applications/:id/archive',
    {
      preHandler: requireWrite,
      schema: { tags: ['connector imports'], security: Security, params: IdParams, body: NoBody, response: { 200: Loose, ...errors(401, 404) } } },
    async (request) => {
      const archived = await archiveApplication(deps.pool, request.caller.tenantId, request.params.id);
      if (!archived) throw new AppError('NOT_FOUND', `application ${request.params.id} not found`);
      return applicationView(archived);
    },
  );

  for (const role of ['accounts', 'privileges'] as const) {
    app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof PageQuery> }>(
      `/api/applications/:id/${role}`,
      {
        schema: {
          tags: ['connector imports'],
          summary: `The application's ${role}, from its latest finished import (50 a page)`,
          security: Security,
          params: IdParams,
          querystring: PageQuery,
          response: { 200: Loose, ...errors(401, 404) },
        },
      },
      async (request) => {
        const application = await mustApplication(deps, request.caller.tenantId, request.params.id);
        const page = request.query.page ?? 1;
        const { rows, total } = await listApplicationRecords(deps.pool, application.current_import_id, role, (page - 1) * 50, 50);
        return { items: rows, totalCount: total, page, totalPages: Math.max(1, Math.ceil(total / 50)) };
      },
    );
  }
}

async function mustApplication(deps: AppDeps, tenantId: number, id: string) {
  const application = await getApplication(deps.pool, tenantId, id);
  if (!application) throw new AppError('NOT_FOUND', `application ${id} not found`);
  return application;
}
