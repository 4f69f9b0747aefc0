/**
 * buildApp(): the whole HTTP API as one Fastify instance, for the api process and for tests
 * (`app.inject` or a real listener). It needs its dependencies handed in; it creates none.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AppDeps } from './deps.js';
import { installErrorHandling } from './errors.js';
import { healthRoutes } from './routes/health.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { meRoutes } from './routes/me.routes.js';
import { tenantRoutes } from './routes/tenants.routes.js';
import { userRoutes } from './routes/users.routes.js';
import { apiTokenRoutes } from './routes/api-tokens.routes.js';
import { clientRoutes } from './routes/clients.routes.js';
import { findingRoutes } from './routes/findings.routes.js';
import { fileImportRoutes } from './routes/file-imports.routes.js';
import { localUploadRoutes } from './routes/local-uploads.routes.js';
import { parserRoutes } from './routes/parsers.routes.js';
import { bulkImportRoutes } from './routes/bulk-imports.routes.js';
import { connectorRoutes } from './routes/connectors.routes.js';
import { importEventRoutes } from './routes/import-events.routes.js';
import { webhookRoutes } from './routes/webhooks.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import { applicationImportRoutes } from './routes/application-imports.routes.js';
import { uploadRoutes } from './routes/uploads.routes.js';
import { writeupRoutes } from './routes/writeups.routes.js';
import { parserActionRoutes } from './routes/parser-actions.routes.js';
import { assessmentRoutes } from './routes/assessments.routes.js';
import { dashboardRoutes } from './routes/dashboard.routes.js';
import { LocalDiskStore } from '../storage/local-disk-store.js';
import { registerSecurityHeaders } from './security-headers.js';
import { installBodyLimits } from './body-limits.js';
import { redactingLogger } from './log-redaction.js';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: redactingLogger(deps.log) as FastifyBaseLogger,
    // Ordinary JSON and form bodies; larger limits per route in body-limits.ts.
    bodyLimit: deps.config.jsonMaxBytes,
    // Validation coerces path ids ("42") to integers, and drops nothing the client sent.
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    // Believe X-Forwarded-For only from the proxies INTAKE_TRUST_PROXY names (none by default).
    trustProxy: deps.config.trustProxy,
  });
  installErrorHandling(app);
  installBodyLimits(app, deps.config);
  await registerSecurityHeaders(app, deps.config);
  // Not encapsulated: its latency hook must see every route.
  await metricsRoutes(app, deps);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Intake', version: '0.1.0', description: 'Asynchronous imports of security findings and bulk data.' },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/v1/authenticate; "Bearer " is optional.' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: deps.config.uploadMaxBytes, files: 1, fields: 20, fieldSize: 1024 * 1024 } });

  await app.register(async (scope) => healthRoutes(scope, deps));
  await app.register(async (scope) => authRoutes(scope, deps));
  await app.register(async (scope) => meRoutes(scope, deps));
  await app.register(async (scope) => tenantRoutes(scope, deps));
  await app.register(async (scope) => userRoutes(scope, deps));
  await app.register(async (scope) => apiTokenRoutes(scope, deps));
  await app.register(async (scope) => clientRoutes(scope, deps));
  await app.register(async (scope) => findingRoutes(scope, deps));
  await app.register(async (scope) => fileImportRoutes(scope, deps));
  await app.register(async (scope) => parserRoutes(scope, deps));
  await app.register(async (scope) => bulkImportRoutes(scope, deps));
  await app.register(async (scope) => connectorRoutes(scope, deps));
  await app.register(async (scope) => importEventRoutes(scope, deps));
  await app.register(async (scope) => webhookRoutes(scope, deps));
  await app.register(async (scope) => applicationImportRoutes(scope, deps));
  await app.register(async (scope) => uploadRoutes(scope, deps));
  await app.register(async (scope) => writeupRoutes(scope, deps));
  await app.register(async (scope) => parserActionRoutes(scope, deps));
  await app.register(async (scope) => assessmentRoutes(scope, deps));
  await app.register(async (scope) => dashboardRoutes(scope));
  if (deps.store instanceof LocalDiskStore) {
    const store = deps.store;
    await app.register(async (scope) => localUploadRoutes(scope, store));
  }
  return app;
}
