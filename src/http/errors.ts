/**
 * Turns every error into a response of the right shape: PlexTrac-compatible routes (/api/…) answer
 * as PlexTrac does ({status: "error", statusCode, error, message}, plus our stable `code`);
 * Intake's own routes answer with RFC 9457 problem details. Unknown errors are 500s and are logged.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { AppError } from '../errors/app-error.js';
import { statusForCode } from './error-table.js';

interface ErrorView {
  statusCode: number;
  code: string;
  message: string;
}

export function describeError(error: unknown): ErrorView {
  if (error instanceof AppError) return { statusCode: statusForCode(error.code), code: error.code, message: error.message };
  const fe = error as FastifyError;
  if (fe.validation) return { statusCode: 400, code: 'VALIDATION_FAILED', message: `invalid request: ${fe.message}` };
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: fe.message };
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' || fe.statusCode === 400) {
    return { statusCode: 400, code: 'VALIDATION_FAILED', message: fe.message };
  }
  if (fe.statusCode === 413 || fe.code === 'FST_REQ_FILE_TOO_LARGE') return { statusCode: 413, code: 'OBJECT_TOO_LARGE', message: fe.message };
  if (fe.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: fe.message };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { statusCode: fe.statusCode, code: fe.code ?? 'BAD_REQUEST', message: fe.message };
  }
  return { statusCode: 500, code: 'INTERNAL', message: 'an internal error occurred; it has been logged' };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, view: ErrorView): FastifyReply {
  const phrase = STATUS_CODES[view.statusCode] ?? 'Error';
  if (request.url.startsWith('/api/')) {
    return reply.code(view.statusCode).type('application/json').send({
      status: 'error',
      statusCode: view.statusCode,
      error: phrase,
      message: view.message,
      code: view.code,
    });
  }
  return reply.code(view.statusCode).type('application/problem+json').send({
    type: `https://intake.dev/problems/${view.code.toLowerCase().replace(/_/g, '-')}`,
    title: phrase,
    status: view.statusCode,
    detail: view.message,
    code: view.code,
    instance: request.url.split('?')[0],
  });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const view = describeError(error);
    if (view.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(request, reply, view);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, { statusCode: 404, code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
