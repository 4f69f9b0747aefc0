/**
 * Turns every error into a response of the right shape: PlexTrac-compatible routes (/api/…) answer
 * as PlexTrac does ({status: "error", statusCode, error, message}, plus our stable `code`);
 * Intake's own routes answer with RFC 9457 problem details. Unknown errors are 500s and are logged.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { statusForCode } from './error-table.js';
import { bodyTooLargeMessage } from './body-limits.js';
import { isDatabaseUnavailable, isDatabaseTimeout } from '../db/connection-errors.js';

interface ErrorView {
  statusCode: number;
  code: string;
  message: string;
  /** Field-level problems (spec 3's `errors`). */
  errors?: { field: string; message: string }[];
}

/** Routes of spec 3 (connector file imports) answer errors in its `validation_error` shape. */
const SPEC3_PREFIXES = ['/api/application-imports', '/api/applications', '/api/connectors'];

export function describeError(error: unknown): ErrorView {
  if (error instanceof AppError) {
    const errors = error.details?.errors as ErrorView['errors'];
    return { statusCode: statusForCode(error.code), code: error.code, message: error.message, ...(errors ? { errors } : {}) };
  }
  // The database is down or restarting: a temporary condition the client should retry, not a bug.
  if (isDatabaseUnavailable(error)) {
    return { statusCode: statusForCode('DATABASE_UNAVAILABLE'), code: 'DATABASE_UNAVAILABLE', message: 'the database is unavailable (down or restarting); try again in a few seconds' };
  }
  if (isDatabaseTimeout(error)) {
    return { statusCode: statusForCode('DATABASE_TIMEOUT'), code: 'DATABASE_TIMEOUT', message: 'the database did not answer in time; try again in a few seconds' };
  }
  const fe = error as FastifyError;
  // PostgreSQL refuses NUL characters in text and jsonb: the client sent text that cannot be stored.
  if ((error as { code?: string }).code === '22021' || (error as { code?: string }).code === '22P05') {
    return { statusCode: 400, code: 'VALIDATION_FAILED', message: 'text values may not contain NUL characters' };
  }
  if (fe.validation) {
    const errors = fe.validation.map((v) => ({
      field: String((v.params as { missingProperty?: string })?.missingProperty ?? v.instancePath.replace(/^\//, '').replace(/\//g, '.')) || (fe.validationContext ?? 'body'),
      message: `${fe.validationContext ?? 'body'}${v.instancePath} ${v.message ?? 'is invalid'}`,
    }));
    return { statusCode: 400, code: 'VALIDATION_FAILED', message: `invalid request: ${fe.message}`, errors };
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: fe.message };
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' || fe.statusCode === 400) {
    return { statusCode: 400, code: 'VALIDATION_FAILED', message: fe.message };
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { statusCode: 413, code: 'REQUEST_BODY_TOO_LARGE', message: bodyTooLargeMessage(undefined) };
  if (fe.statusCode === 413 || fe.code === 'FST_REQ_FILE_TOO_LARGE') return { statusCode: 413, code: 'OBJECT_TOO_LARGE', message: fe.message };
  if (fe.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: fe.message };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { statusCode: fe.statusCode, code: fe.code ?? 'BAD_REQUEST', message: fe.message };
  }
  return { statusCode: 500, code: 'INTERNAL', message: 'an internal error occurred; it has been logged' };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, view: ErrorView): FastifyReply {
  const phrase = STATUS_CODES[view.statusCode] ?? 'Error';
  if (SPEC3_PREFIXES.some((prefix) => request.url.startsWith(prefix))) {
    // The correlation id ties the answer to the server log line, for support requests.
    const correlationId = randomUUID().replace(/-/g, '');
    request.log.warn({ correlationId, code: view.code, errors: view.errors, reason: view.message }, 'request refused');
    const isValidation = view.statusCode === 400;
    return reply.code(view.statusCode).type('application/json').send({
      error: isValidation ? 'validation_error' : view.code.toLowerCase(),
      message: view.message,
      correlationId,
      errors: view.errors ?? (isValidation ? [{ field: 'request', message: view.message }] : []),
    });
  }
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
    if (view.code === 'REQUEST_BODY_TOO_LARGE') view.message = bodyTooLargeMessage(request.routeOptions.bodyLimit);
    // Fastify's own words are only "Unsupported Media Type": name what was sent and what is read.
    if ((error as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') view.message = unsupportedMediaTypeMessage(request.headers['content-type']);
    if (view.statusCode === 503) {
      // Expected while the database restarts: one line, no stack, and a hint for clients.
      request.log.warn({ code: view.code, reason: (error as Error)?.message }, 'request failed: database unavailable');
      reply.header('retry-after', '5');
    } else if (view.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(request, reply, view);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, { statusCode: 404, code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}

function unsupportedMediaTypeMessage(contentType: string | undefined): string {
  return `the request body's content type "${contentType ?? ''}" is not one Intake reads; send JSON (application/json), or multipart/form-data where a route takes files`;
}
