/**
 * Spec 4, bulk object imports: POST a JSON array of up to 1000 objects, poll the request, download
 * the per-object CSV report from an expiring presigned URL.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { authenticate, requireAdmin, requireWrite } from '../auth.js';
import { IdParam, Security, withErrors } from '../schemas/common.js';
import { BulkImportService, MAX_OBJECTS, importIdOf, requestIdOf } from '../../bulk/bulk-import.service.js';
import { getBulkImport } from '../../bulk/bulk.repository.js';
import { listObjectKinds } from '../../bulk/object-kinds.js';
import { findUser } from '../../db/repositories/users.repository.js';
import { bulkStatusView } from '../views/bulk.view.js';
import { documentedBody } from '../schemas/documented-body.js';

const StartParams = Type.Object({ firmId: IdParam, objects: Type.String({ maxLength: 64 }) });
const RequestParams = Type.Object({ requestId: Type.String({ maxLength: 100 }) });
const Started = Type.Object({ requestId: Type.String() });
const Status = Type.Object({
  requestId: Type.String(),
  status: Type.Union([Type.Literal('Pending'), Type.Literal('InProgress'), Type.Literal('Completed'), Type.Literal('Failed')]),
  progress: Type.Optional(Type.Object({ total: Type.Integer(), processed: Type.Integer() })),
  result: Type.Optional(
    Type.Object({
      summary: Type.Object({ total: Type.Integer(), created: Type.Integer(), failed: Type.Integer() }),
      reportUrl: Type.String(),
    }),
  ),
  error: Type.Optional(Type.String()),
});

/** Seconds a client should wait before polling an unfinished request again. */
const RETRY_AFTER_SECONDS = 5;

export async function bulkImportRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const service = new BulkImportService(deps.pool, deps.boss, deps.store);
  app.addHook('preHandler', authenticate(deps));

  app.post<{ Params: Static<typeof StartParams>; Headers: { 'idempotency-key'?: string } }>(
    '/api/v1/idm/:firmId/:objects/import',
    {
      bodyLimit: deps.config.bulkMaxBytes,
      // Checked by the service, which reports each bad object instead of refusing the request.
      config: documentedBody(Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: MAX_OBJECTS })),
      // Creating users is managing the tenant's people: admins only.
      preHandler: [requireWrite, (request, reply) => ((request.params as { objects: string }).objects.toLowerCase() === 'users' ? requireAdmin(request, reply) : Promise.resolve())],
      schema: {
        tags: ['bulk imports'],
        summary: `Queue the creation of 1 to ${MAX_OBJECTS} objects (${listObjectKinds().join(', ')})`,
        description:
          'The body is a JSON array of objects. Answers at once with a requestId; invalid objects are reported per object, ' +
          'not by failing the request. One active job per user. An Idempotency-Key header makes retries of the same request safe.',
        security: Security,
        params: StartParams,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
        response: withErrors({ 200: Started }, 400, 401, 404, 413, 422, 429),
      },
    },
    async (request, reply) => {
      const { firmId, objects } = request.params;
      try {
        const { importId, replayed } = await service.start(request.caller, firmId, objects, request.body, request.headers['idempotency-key']);
        // Ties this request's reqId to the import (the worker's lines carry its importId), as file
        // imports do. A replayed Idempotency-Key queued nothing: its request was logged when it did.
        if (!replayed) request.log.info({ importId, requestId: requestIdOf(importId), kind: objects, firmId }, 'import queued');
        return { requestId: requestIdOf(importId) };
      } catch (error) {
        if (error instanceof AppError && error.code === 'BULK_JOB_ACTIVE') reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
        throw error;
      }
    },
  );

  app.get<{ Params: Static<typeof RequestParams> }>(
    '/api/v1/request/:requestId',
    {
      schema: {
        tags: ['bulk imports'],
        summary: 'Status of a bulk import request: Pending, InProgress (with progress), Completed (with summary and report URL) or Failed',
        security: Security,
        params: RequestParams,
        response: withErrors({ 200: Status }, 401, 404),
      },
    },
    async (request, reply) => {
      const { requestId } = request.params;
      const importId = importIdOf(requestId);
      const row = importId ? await getBulkImport(deps.pool, request.caller.tenantId, importId) : null;
      // Only its creator or a tenant admin may read a request; to anyone else it does not exist.
      const allowed = row && (row.user_id === request.caller.userId || (await findUser(deps.pool, request.caller.tenantId, request.caller.userId))?.role === 'ADMIN');
      if (!row || !allowed) throw new AppError('REQUEST_NOT_FOUND', `no request ${requestId}`);
      if (row.state === 'queued' || row.state === 'running') reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
      // Signed as of the completion, so the URL expires a fixed time after it whoever asks when.
      const reportUrl =
        row.state === 'succeeded' && row.report_location
          ? await deps.store.presignGet(row.report_location, {
              expiresInSeconds: deps.config.bulkReportUrlTtlSeconds,
              signedAt: row.finished_at ?? new Date(),
              downloadName: `${requestIdOf(row.id)}.csv`,
            })
          : null;
      return bulkStatusView(row, reportUrl);
    },
  );
}
