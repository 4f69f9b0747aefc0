/**
 * Request body limits. Every JSON or form body is read into memory before validation, so every
 * route that reads one has a limit: Fastify's global one, INTAKE_JSON_MAX_BYTES (1 MiB), unless
 * the route is named below or sets its own. Routes that take back a whole document as a GET
 * returned it — a finding with its affected assets and their evidence, an assessment with its
 * questions and answers — get INTAKE_DOCUMENT_MAX_BYTES; the bulk import route sets
 * INTAKE_BULK_MAX_BYTES itself. Multipart routes and presigned PUTs never buffer a body: they
 * stream it, under their own per-file limits (INTAKE_UPLOAD_MAX_BYTES, INTAKE_IMAGE_MAX_BYTES).
 * A body over the limit is refused with 413 REQUEST_BODY_TOO_LARGE before any handler runs.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

/** "METHOD /path/:param" of the routes that take back a whole document. */
export const DOCUMENT_ROUTES: ReadonlySet<string> = new Set([
  'POST /api/v1/client/:clientId/report/:reportId/flaw/create',
  'PUT /api/v1/client/:clientId/report/:reportId/flaw/:findingId',
  'POST /api/v1/template/create',
  'POST /api/v2/repositories/copyFlawToWriteupsRepository',
  'POST /api/v2/assessments/questionnaires',
  'POST /api/v1/tenant/:tenantId/client/:clientId/assessment',
  'PUT /api/v1/tenant/:tenantId/client/:clientId/assessment/:assessmentId',
]);

export interface BodyLimits {
  documentMaxBytes: number;
}

/** Must be installed before the routes are added. The default limit is Fastify's `bodyLimit` option. */
export function installBodyLimits(app: FastifyInstance, limits: BodyLimits): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.bodyLimit !== undefined) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.some((method) => DOCUMENT_ROUTES.has(`${method} ${route.url}`))) route.bodyLimit = limits.documentMaxBytes;
  });
}

export function bodyTooLargeMessage(limit: number | undefined): string {
  return limit === undefined
    ? 'the request body is larger than this route accepts'
    : `the request body is larger than the ${limit} bytes this route accepts`;
}
