/**
 * Parser actions: Intake's routes (`/api/v2/parser-actions`, as spec 1's useParserActions refers
 * to them) and PlexTrac's (`/api/v1/tenant/{tenantId}/actions/{parserId}…`, used by its export
 * and import scripts), over the same rows.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { ParserActionsService } from '../../content/parser-actions.service.js';
import { listParsers } from '../../parsers/registry.js';
import { IdParam, Security, withErrors } from '../schemas/common.js';
import { authenticate } from '../auth.js';
import { writeAccess } from '../write-access.js';
import { ownTenantOnly } from '../tenant-path.js';
import { parserActionView, plexParserActionView } from '../views/parser-actions.view.js';

const Loose = Type.Record(Type.String(), Type.Unknown());
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
const ListQuery = Type.Object({
  source: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 16, description: 'DEFAULT, IGNORE or LINK' })),
  query: Type.Optional(Type.String({ maxLength: 200, description: 'part of the title or tool id' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
const ActionChange = Type.Object(
  {
    action: Type.String({ description: 'DEFAULT, IGNORE or LINK' }),
    severity: Nullable(Type.String({ description: 'replaces the tool severity; null keeps it' })),
    writeupId: Type.Optional(Type.Union([Type.String(), Type.Integer(), Type.Null()], { description: 'for LINK: the writeup (123 or template_123)' })),
  },
  { additionalProperties: true },
);
const PlexActionChange = Type.Object(
  {
    action: Type.String(),
    severity: Nullable(Type.String()),
    writeupID: Type.Optional(Type.Union([Type.String(), Type.Integer(), Type.Null()])),
  },
  { additionalProperties: true },
);
const TenantParams = Type.Object({ tenantId: IdParam });
const ParserParams = Type.Object({ tenantId: IdParam, parserId: Type.String({ maxLength: 64 }) });
const PlexActionParams = Type.Object({ tenantId: IdParam, parserId: Type.String({ maxLength: 64 }), actionId: Type.String({ maxLength: 512 }) });
const PlexListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  skip: Type.Integer({ minimum: 0, default: 0 }),
  type: Type.Optional(Type.String({ maxLength: 16 })),
  query: Type.Optional(Type.String({ maxLength: 200 })),
});
const ActionParams = Type.Object({ id: IdParam });

export async function parserActionRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps));
  app.addHook('preHandler', ownTenantOnly);
  const actions = new ParserActionsService(deps.pool);
  const canWrite = writeAccess;
  const tags = ['parser actions'];

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v2/parser-actions',
    {
      schema: {
        tags,
        summary: "The tenant's parser actions, a page at a time, optionally for one source",
        security: Security,
        querystring: ListQuery,
        response: withErrors(
          {
            200: Type.Object({
              status: Type.Literal('success'),
              data: Type.Array(Loose),
              meta: Type.Object({ pagination: Type.Object({ offset: Type.Integer(), limit: Type.Integer(), total: Type.Integer() }) }),
            }),
          },
          400,
          401,
        ),
      },
    },
    async (request) => {
      const { source, action, query, limit, offset } = request.query;
      const { rows, total } = await actions.list(request.caller.tenantId, { source, action, query, limit, offset });
      return { status: 'success' as const, data: rows.map(parserActionView), meta: { pagination: { offset, limit, total } } };
    },
  );

  app.get<{ Params: Static<typeof ActionParams> }>(
    '/api/v2/parser-actions/:id',
    { schema: { tags, summary: 'One parser action', security: Security, params: ActionParams, response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), data: Loose }) }, 401, 404) } },
    async (request) => ({ status: 'success' as const, data: parserActionView(await actions.byId(request.caller.tenantId, request.params.id)) }),
  );

  app.put<{ Params: Static<typeof ActionParams>; Body: Static<typeof ActionChange> }>(
    '/api/v2/parser-actions/:id',
    {
      preHandler: canWrite,
      schema: {
        tags,
        summary: 'Set the action (DEFAULT, IGNORE, LINK + writeupId) and severity override of one parser action',
        security: Security,
        params: ActionParams,
        body: ActionChange,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), data: Loose }) }, 400, 401, 403, 404),
      },
    },
    async (request) => {
      const row = await actions.byId(request.caller.tenantId, request.params.id);
      const changed = await actions.change(request.caller, row, request.body);
      return { status: 'success' as const, data: parserActionView(changed) };
    },
  );

  // PlexTrac's routes, for its scripts.
  app.get<{ Params: Static<typeof TenantParams> }>(
    '/api/v1/tenant/:tenantId/actions',
    {
      schema: {
        tags,
        summary: 'PlexTrac: the parsers parser actions exist for',
        security: Security,
        params: TenantParams,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), parsers: Type.Array(Type.Object({ name: Type.String(), id: Type.String() })) }) }, 401, 404),
      },
    },
    async () => ({ status: 'success' as const, parsers: listParsers().map((p) => ({ name: p.displayName, id: p.source })) }),
  );

  app.get<{ Params: Static<typeof ParserParams>; Querystring: Static<typeof PlexListQuery> }>(
    '/api/v1/tenant/:tenantId/actions/:parserId',
    {
      schema: {
        tags,
        summary: "PlexTrac: one parser's actions (limit, skip, type, query)",
        security: Security,
        params: ParserParams,
        querystring: PlexListQuery,
        response: withErrors(
          { 200: Type.Object({ status: Type.Literal('success'), actions: Type.Object({ total_items: Type.Integer(), actions: Type.Array(Loose) }) }) },
          400,
          401,
          404,
        ),
      },
    },
    async (request) => {
      const { limit, skip, type, query } = request.query;
      const { rows, total } = await actions.list(request.caller.tenantId, { source: request.params.parserId, action: type, query, limit, offset: skip });
      return { status: 'success' as const, actions: { total_items: total, actions: rows.map(plexParserActionView) } };
    },
  );

  app.get<{ Params: Static<typeof PlexActionParams> }>(
    '/api/v1/tenant/:tenantId/actions/:parserId/action/:actionId',
    { schema: { tags, summary: 'PlexTrac: one parser action, by tool id', security: Security, params: PlexActionParams, response: withErrors({ 200: Loose }, 401, 404) } },
    async (request) => plexParserActionView(await actions.byToolId(request.caller.tenantId, request.params.parserId, request.params.actionId)),
  );

  app.put<{ Params: Static<typeof PlexActionParams>; Body: Static<typeof PlexActionChange> }>(
    '/api/v1/tenant/:tenantId/actions/:parserId/action/:actionId',
    {
      preHandler: canWrite,
      schema: {
        tags,
        summary: 'PlexTrac: change one parser action ({action, severity, writeupID})',
        security: Security,
        params: PlexActionParams,
        body: PlexActionChange,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), message: Type.String(), action: Loose }) }, 400, 401, 403, 404),
      },
    },
    async (request) => {
      const row = await actions.byToolId(request.caller.tenantId, request.params.parserId, request.params.actionId);
      const { action, severity, writeupID } = request.body;
      const changed = await actions.change(request.caller, row, { action, severity, writeupId: writeupID });
      return { status: 'success' as const, message: 'Parser action updated', action: plexParserActionView(changed) };
    },
  );
}
