/**
 * GET /metrics in Prometheus text format. Open by default (scrapers usually sit on an internal
 * network); with INTAKE_METRICS_TOKEN set, a scrape must send `Authorization: Bearer <token>`.
 */
import type { FastifyInstance } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { Metrics } from '../../metrics/metrics.js';

export async function metricsRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const metrics = new Metrics(deps.pool, deps.boss);
  // Measured for every route of the app (this plugin's hook is registered at the root).
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const expected = deps.config.metricsToken;
    if (expected) {
      const given = Buffer.from(request.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '');
      const wanted = Buffer.from(expected);
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw new AppError('AUTH_REQUIRED', 'send the metrics token as a Bearer token');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.render());
  });
}
