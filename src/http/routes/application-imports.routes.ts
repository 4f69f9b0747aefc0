/** Spec 3: upload CSV files for an application's connector, stage, follow and cancel imports. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { authenticate, requireWrite } from '../auth.js';
import { Security } from '../schemas/common.js';
import { NoBody } from '../schemas/people.schemas.js';
import { FilePart, documentedBody } from '../schemas/documented-body.js';
import { ApplicationImportService, validationError, type QueuedApplicationImport, type UploadPart } from '../../connectors/application-import.service.js';
import { getApplicationImport, listApplicationImports, listImportFiles, requestCancel } from '../../db/repositories/application-imports.repository.js';
import { isUuid } from '../../db/repositories/connectors.repository.js';
import { applicationImportListView, applicationImportView } from '../views/connectors.view.js';

const Loose = Type.Record(Type.String(), Type.Unknown());
const Spec3Error = Type.Object({ error: Type.String(), message: Type.String(), correlationId: Type.String(), errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })) });
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, Spec3Error]));
const IdParams = Type.Object({ id: Type.String() });
const PAGE_SIZE = 50;

export async function applicationImportRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const service = new ApplicationImportService(deps.pool, deps.boss, deps.store, deps.config.uploadMaxBytes);
  app.addHook('preHandler', authenticate(deps));
  const callerOf = (request: { caller: { tenantId: number; userId: number; email: string; label?: string } }) => ({
    tenantId: request.caller.tenantId,
    userId: request.caller.userId,
    label: request.caller.label ?? request.caller.email,
  });
  const show = async (tenantId: number, id: string) => {
    const row = isUuid(id) ? await getApplicationImport(deps.pool, tenantId, id) : null;
    if (!row) throw new AppError('NOT_FOUND', `application import ${id} not found`);
    return applicationImportView(row, await listImportFiles(deps.pool, [row.id]));
  };

  app.post<{ Querystring: { applicationId?: string } }>(
    '/api/application-imports/upload',
    {
      preHandler: requireWrite,
      config: documentedBody(
        Type.Object({ applicationId: Type.Optional(Type.String({ description: 'or in the query string' })) }, {
          additionalProperties: FilePart('one CSV file per file group, in a field named by the file group GUID'),
        }),
      ),
      schema: {
        tags: ['connector imports'],
        summary: 'Upload one CSV file per file group (fields keyed by file group GUID) and stage an import',
        security: Security,
        consumes: ['multipart/form-data'],
        querystring: Type.Object({ applicationId: Type.Optional(Type.String()) }),
        response: { 201: Loose, ...errors(400, 401, 413) },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw validationError([{ field: 'body', message: 'The request must be multipart/form-data' }]);
      const parts = (async function* (): AsyncGenerator<UploadPart> {
        for await (const part of request.parts({ limits: { files: 50 } })) {
          if (part.type === 'file') yield { fieldname: part.fieldname, file: { name: part.filename || 'upload.csv', stream: part.file } };
          else yield { fieldname: part.fieldname, value: String(part.value) };
        }
      })();
      const queued = await service.upload(callerOf(request), request.query.applicationId, parts);
      logQueued(request, queued);
      return reply.code(201).send(await show(request.caller.tenantId, queued.importId));
    },
  );

  app.post<{ Body: { applicationId?: unknown } }>(
    '/api/application-imports/stage',
    {
      preHandler: requireWrite,
      schema: {
        tags: ['connector imports'],
        summary: "Stage a new import from the files of the application's latest upload",
        security: Security,
        body: Type.Object({ applicationId: Type.Unknown() }),
        response: { 201: Loose, ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const queued = await service.stage(callerOf(request), request.body.applicationId);
      logQueued(request, queued);
      return reply.code(201).send(await show(request.caller.tenantId, queued.importId));
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/application-imports/:id',
    { schema: { tags: ['connector imports'], security: Security, params: IdParams, response: { 200: Loose, ...errors(401, 404) } } },
    async (request) => show(request.caller.tenantId, request.params.id),
  );

  app.get<{ Querystring: { applicationId?: string; page?: number } }>(
    '/api/application-imports',
    {
      schema: {
        tags: ['connector imports'],
        summary: 'Imports, newest first, 50 a page',
        security: Security,
        querystring: Type.Object({ applicationId: Type.Optional(Type.String()), page: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: Loose, ...errors(400, 401) },
      },
    },
    async (request) => {
      const { applicationId, page = 1 } = request.query;
      if (applicationId !== undefined && !isUuid(applicationId)) throw validationError([{ field: 'applicationId', message: 'applicationId must be a GUID' }]);
      const { rows, total } = await listApplicationImports(deps.pool, request.caller.tenantId, { applicationId, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
      const files = await listImportFiles(deps.pool, rows.map((r) => r.id));
      return {
        items: rows.map((r) => applicationImportListView(r, files.filter((f) => f.import_id === r.id))),
        totalCount: total,
        page,
        totalPages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/application-imports/:id/cancel',
    {
      preHandler: requireWrite,
      schema: {
        tags: ['connector imports'],
        summary: 'Cancel a Pending or Running import (Canceling, then Canceled)',
        security: Security,
        params: IdParams,
        body: NoBody,
        response: { 200: Loose, ...errors(401, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId } = request.caller;
      const current = await show(tenantId, request.params.id);
      if (!(await requestCancel(deps.pool, tenantId, request.params.id))) {
        throw new AppError('IMPORT_NOT_CANCELABLE', `import ${request.params.id} is ${current.status} and can no longer be canceled`);
      }
      return show(tenantId, request.params.id);
    },
  );
}

/**
 * One log line tying the request (its `reqId`) to the import it queued (`importId`, which the
 * worker's lines carry too), the same line file imports and bulk jobs write.
 */
function logQueued(request: FastifyRequest, queued: QueuedApplicationImport): void {
  request.log.info(queued, 'import queued');
}
