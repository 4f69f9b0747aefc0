/** Webhooks per tenant: fired when an import completes or fails, signed, retried, logged. */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { authenticate, requireAdmin } from '../auth.js';
import { Security, withErrors } from '../schemas/common.js';
import { checkWebhookUrl } from '../../webhooks/destination.js';
import { newWebhookSecret } from '../../webhooks/signature.js';
import { deactivateWebhook, insertWebhook, listDeliveries, listWebhooks, type WebhookRow } from '../../db/repositories/webhooks.repository.js';

const EVENTS = ['import.completed', 'import.failed'] as const;
const WebhookInput = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000 }),
  events: Type.Optional(Type.Array(Type.Union(EVENTS.map((e) => Type.Literal(e))), { minItems: 1, uniqueItems: true })),
});
const Webhook = Type.Object({ id: Type.String(), url: Type.String(), events: Type.Array(Type.String()), createdAt: Type.String() });
const Delivery = Type.Object({
  id: Type.String(),
  importId: Type.String(),
  event: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
});
const IdParams = Type.Object({ id: Type.String() });

const view = (w: WebhookRow) => ({ id: w.id, url: w.url, events: w.events, createdAt: w.created_at.toISOString() });

export async function webhookRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps));

  app.post<{ Body: Static<typeof WebhookInput> }>(
    '/api/v2/webhooks',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook; the signing secret is shown once',
        security: Security,
        body: WebhookInput,
        response: withErrors({ 201: Type.Intersect([Webhook, Type.Object({ secret: Type.String() })]) }, 400, 401),
      },
    },
    async (request, reply) => {
      const url = checkWebhookUrl(request.body.url);
      const secret = newWebhookSecret();
      const row = await insertWebhook(deps.pool, {
        id: randomUUID(),
        tenantId: request.caller.tenantId,
        url: url.toString(),
        events: request.body.events ?? [...EVENTS],
        secret,
        createdBy: request.caller.userId,
      });
      return reply.code(201).send({ ...view(row), secret });
    },
  );

  app.get('/api/v2/webhooks', { schema: { tags: ['webhooks'], security: Security, response: withErrors({ 200: Type.Array(Webhook) }, 401) } }, async (request) =>
    (await listWebhooks(deps.pool, request.caller.tenantId)).map(view),
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/v2/webhooks/:id',
    {
      preHandler: requireAdmin,
      schema: { tags: ['webhooks'], security: Security, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 404) } },
    async (request, reply) => {
      if (!isUuid(request.params.id) || !(await deactivateWebhook(deps.pool, request.caller.tenantId, request.params.id))) {
        throw new AppError('WEBHOOK_NOT_FOUND', `no webhook ${request.params.id}`);
      }
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v2/webhooks/:id/deliveries',
    { schema: { tags: ['webhooks'], summary: 'The delivery log, newest first', security: Security, params: IdParams, response: withErrors({ 200: Type.Array(Delivery) }, 401, 404) } },
    async (request) => {
      const rows = isUuid(request.params.id) ? await listDeliveries(deps.pool, request.caller.tenantId, request.params.id) : null;
      if (!rows) throw new AppError('WEBHOOK_NOT_FOUND', `no webhook ${request.params.id}`);
      return rows.map((d) => ({
        id: d.id,
        importId: d.import_id,
        event: d.event,
        status: d.status,
        attempts: d.attempts,
        lastStatus: d.last_status,
        lastError: d.last_error,
        nextAttemptAt: d.status === 'pending' ? d.next_attempt_at.toISOString() : null,
        createdAt: d.created_at.toISOString(),
        deliveredAt: d.delivered_at ? d.delivered_at.toISOString() : null,
      }));
    },
  );
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
