/**
 * Spec 1, scanner file imports: presigned URL → PUT → preuploaded-import → my-imports, and the
 * deprecated multipart importAsync route, which streams to storage and queues the same job.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { FileImportService } from '../../imports/file-import.service.js';
import { getImport, getImportForUser, listRecentImports } from '../../db/repositories/imports.repository.js';
import { isTerminal } from '../../imports/import-state.js';
import { IdParam, Security, withErrors } from '../schemas/common.js';
import { authenticate, requireWrite } from '../auth.js';
import { importJobView, myImportView } from '../views/imports.view.js';
import { ImportJob, MyImport } from '../schemas/imports.schemas.js';
import { FilePart, documentedBody } from '../schemas/documented-body.js';

const ImportParams = Type.Object({ clientId: IdParam, reportId: IdParam, source: Type.String({ minLength: 1, maxLength: 64 }) });
const PresignBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: true });
const PreuploadedBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 512 }),
    fileName: Type.Optional(Type.String({ maxLength: 255 })),
    tags: Type.Optional(Type.Union([Type.String(), Type.Object({}, { additionalProperties: true }), Type.Null()])),
    useParserActions: Type.Optional(Type.Union([Type.Boolean(), Type.String()])),
  },
  { additionalProperties: true },
);
const StartedImport = Type.Object({ status: Type.Literal('success'), operationId: Type.String(), importJob: ImportJob });
/** The multipart form of the upload routes (documented only: the handler streams the parts). */
const MultipartImportBody = Type.Object({
  file: FilePart('the scanner file; fields after it are ignored'),
  tags: Type.Optional(Type.String({ description: 'JSON text {"assets": [...], "findings": [...]}; send it before the file' })),
});

/**
 * Reads a multipart import request: fields before the file (tags) are kept, the `file` part is
 * streamed to storage (never buffered) and the import queued.
 */
async function streamMultipartImport(service: FileImportService, request: FastifyRequest<{ Params: Static<typeof ImportParams> }>) {
  await service.checkTarget(request.caller, request.params);
  if (!request.isMultipart()) throw new AppError('FILE_MISSING', 'send the file as multipart/form-data in a field named "file"');
  const fields: Record<string, unknown> = {};
  let row = null;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      fields[part.fieldname] = part.value;
    } else if (part.fieldname === 'file' && !row) {
      row = await service.startStreamedImport(request.caller, request.params, { fileName: part.filename || 'upload', stream: part.file }, fields);
    } else {
      part.file.resume();
    }
  }
  if (!row) throw new AppError('FILE_MISSING', 'no multipart field named "file" was sent');
  return row;
}

/** Polls the import row until it ends or the time is up; the event loop stays free meanwhile. */
async function waitForImportEnd(deps: AppDeps, id: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await getImport(deps.pool, id);
    if (!row) throw new AppError('IMPORT_NOT_FOUND', `no import ${id}`);
    if (isTerminal(row.state) || Date.now() >= deadline) return row;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** importAsync was deprecated when spec 1's flow arrived (23 June 2025) and sunsets on 8 October 2025. */
const DEPRECATED_AT = Date.UTC(2025, 5, 23) / 1000;
const SUNSET = new Date(Date.UTC(2025, 9, 8)).toUTCString();

export async function fileImportRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const service = new FileImportService(deps.pool, deps.boss, deps.store, {
    uploadMaxBytes: deps.config.uploadMaxBytes,
    uploadUrlTtlSeconds: deps.config.uploadUrlTtlSeconds,
  });
  app.addHook('preHandler', authenticate(deps));

  app.post<{ Body: Static<typeof PresignBody> }>(
    '/api/v2/presigned-url',
    {
      preHandler: requireWrite,
      schema: {
        tags: ['file imports'],
        summary: 'Step 1: a key and a URL to PUT the file to',
        security: Security,
        body: PresignBody,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), key: Type.String(), url: Type.String() }) }, 400, 401),
      },
    },
    async (request) => ({ status: 'success' as const, ...(await service.issueUploadUrl(request.caller, request.body.name)) }),
  );

  app.post<{ Params: Static<typeof ImportParams>; Body: Static<typeof PreuploadedBody> }>(
    '/api/v2/client/:clientId/report/:reportId/preuploaded-import/:source',
    {
      preHandler: requireWrite,
      schema: {
        tags: ['file imports'],
        summary: 'Step 3: queue the import of an uploaded file',
        security: Security,
        params: ImportParams,
        body: PreuploadedBody,
        response: withErrors({ 200: StartedImport }, 400, 401, 404, 413),
      },
    },
    async (request) => {
      const row = await service.startPreuploadedImport(request.caller, request.params, request.body);
      logQueued(request, row.id);
      return { status: 'success' as const, operationId: row.id, importJob: importJobView(row, request.caller.email) };
    },
  );

  app.post<{ Params: Static<typeof ImportParams> }>(
    '/api/v2/client/:clientId/report/:reportId/importAsync/:source',
    {
      preHandler: requireWrite,
      config: documentedBody(MultipartImportBody),
      schema: {
        tags: ['file imports'],
        summary: 'Deprecated: multipart upload (field `file`); use presigned-url + preuploaded-import',
        deprecated: true,
        security: Security,
        params: ImportParams,
        consumes: ['multipart/form-data'],
        response: withErrors({ 200: StartedImport }, 400, 401, 404, 413, 415),
      },
    },
    async (request, reply) => {
      reply.header('Deprecation', `@${DEPRECATED_AT}`);
      reply.header('Sunset', SUNSET);
      reply.header('Link', `</api/v2/client/${request.params.clientId}/report/${request.params.reportId}/preuploaded-import/${request.params.source}>; rel="successor-version"`);
      const row = await streamMultipartImport(service, request);
      logQueued(request, row.id);
      return { status: 'success' as const, operationId: row.id, importJob: importJobView(row, request.caller.email) };
    },
  );

  app.post<{ Params: Static<typeof ImportParams> }>(
    '/api/v1/client/:clientId/report/:reportId/import/:source',
    {
      preHandler: requireWrite,
      config: documentedBody(MultipartImportBody),
      schema: {
        tags: ['file imports'],
        summary: 'PlexTrac v1 import: multipart upload (field `file`), answered when the import has ended',
        description:
          'Kept for old scripts, which expect the findings to exist once this returns. The file is still parsed by a worker; ' +
          'this request only waits (without blocking the API) for the import to end, up to INTAKE_SYNC_IMPORT_TIMEOUT_SECONDS.',
        security: Security,
        params: ImportParams,
        consumes: ['multipart/form-data'],
        response: withErrors({ 200: StartedImport, 202: StartedImport }, 400, 401, 404, 413, 415),
      },
    },
    async (request, reply) => {
      const queued = await streamMultipartImport(service, request);
      logQueued(request, queued.id);
      const row = await waitForImportEnd(deps, queued.id, deps.config.syncImportTimeoutSeconds * 1000);
      if (row.state === 'failed') throw new AppError('IMPORT_FAILED', row.error_status ?? 'the import failed');
      if (row.state !== 'succeeded') reply.code(202);
      return { status: 'success' as const, operationId: row.id, importJob: importJobView(row, request.caller.email) };
    },
  );

  app.get(
    '/api/v2/my-imports',
    { schema: { tags: ['file imports'], summary: 'Your recent imports, newest first', security: Security, response: withErrors({ 200: Type.Array(MyImport) }, 401) } },
    async (request) => (await listRecentImports(deps.pool, request.caller.tenantId, request.caller.userId, 100)).map(myImportView),
  );

  app.get<{ Params: { key: string } }>(
    '/api/v2/my-imports/:key',
    {
      schema: {
        tags: ['file imports'],
        summary: 'One import job with its counters',
        security: Security,
        params: Type.Object({ key: Type.String() }),
        response: withErrors({ 200: ImportJob }, 401, 404),
      },
    },
    async (request) => {
      const row = await getImportForUser(deps.pool, request.caller.tenantId, request.caller.userId, request.params.key);
      if (!row) throw new AppError('IMPORT_NOT_FOUND', `no import ${request.params.key}`);
      return importJobView(row, row.user_email);
    },
  );
}

/**
 * One log line tying the request (its `reqId`) to the import it queued (`importId`, which the
 * worker's lines carry too), so an operator can follow a request into the worker's logs.
 */
function logQueued(request: FastifyRequest<{ Params: Static<typeof ImportParams> }>, importId: string): void {
  request.log.info({ importId, source: request.params.source, clientId: request.params.clientId, reportId: request.params.reportId }, 'import queued');
}
