/** Unauthenticated probes: PlexTrac's instance check and Intake's readiness check. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';

const Probe = Type.Object({ text: Type.String() });

export async function healthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // PlexTrac scripts compare this exact text to check that a URL is an instance.
  const probe = { schema: { hide: false, tags: ['probe'], response: { 200: Probe } } };
  for (const url of ['/', '/api/v1', '/api/v1/']) {
    app.get(url, probe, async () => ({ text: 'Authenticate at /authenticate' }));
  }

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['probe'],
        summary: 'Readiness: 200 once the database answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }), 503: Type.Object({}, { additionalProperties: true }) },
      },
    },
    async (_request, reply) => {
      if (deps.isReady && !deps.isReady()) {
        return reply.code(503).type('application/problem+json').send({ title: 'Service Unavailable', status: 503, code: 'NOT_READY', detail: 'starting' });
      }
      await deps.pool.query('SELECT 1');
      return { status: 'ok' as const };
    },
  );
}
