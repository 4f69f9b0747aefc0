/**
 * WriteupsDB (PlexTrac's route names): repositories with CUID ids, writeups ("templates") in
 * them, and spec 2's "Copying a Finding from a Report to a WriteupsDB repository": the finding
 * JSON from GET …/flaw/{id} plus `repositoryId`, POSTed to /api/v1/template/create (or to the
 * deprecated /api/v2/repositories/copyFlawToWriteupsRepository, which does the same).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { WriteupsService } from '../../content/writeups.service.js';
import { Security, withErrors } from '../schemas/common.js';
import { authenticate } from '../auth.js';
import { writeAccess } from '../write-access.js';
import { markDeprecated } from '../deprecation.js';
import { repositoryView, writeupView } from '../views/writeups.view.js';

const Loose = Type.Record(Type.String(), Type.Unknown());
const RepositoryCreate = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 500 }), description: Type.Optional(Type.String({ maxLength: 100_000 })) },
  { additionalProperties: true },
);
const RepositoryParams = Type.Object({ repositoryId: Type.String({ maxLength: 64 }) });
/** PlexTrac reads with POST and an empty JSON object; a body left out entirely is taken as `{}`. */
const EmptyBody = Type.Object({}, { additionalProperties: true, description: 'an empty JSON object (filters are not supported)' });
const emptyBodyAsObject = async (request: FastifyRequest) => {
  request.body ??= {};
};
const WriteupParams = Type.Object({ writeupId: Type.String({ maxLength: 64, description: '123 or template_123' }) });
const WriteupCreate = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 1000 }),
    severity: Type.String(),
    repositoryId: Type.Optional(Type.String({ description: 'the repository CUID (also accepted as repositoryID)' })),
  },
  { additionalProperties: true, description: 'a writeup, or the finding object from GET …/flaw/{id} plus repositoryId' },
);
const WriteupCreated = Type.Object({
  status: Type.Literal('success'),
  message: Type.String(),
  id: Type.String(),
  doc_id: Type.Integer(),
  repositoryId: Type.String(),
});

export async function writeupRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps));
  const writeups = new WriteupsService(deps.pool);
  const canWrite = writeAccess;
  const tags = ['writeups'];

  app.post<{ Body: Static<typeof RepositoryCreate> }>(
    '/api/v2/repositories/add',
    {
      preHandler: canWrite,
      schema: {
        tags,
        summary: 'Create a WriteupsDB repository',
        security: Security,
        body: RepositoryCreate,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), message: Type.String(), repositoryId: Type.String(), data: Loose }) }, 400, 401, 403),
      },
    },
    async (request) => {
      const repository = await writeups.createRepository(request.caller, request.body.name, request.body.description ?? '');
      return { status: 'success' as const, message: 'Repository created', repositoryId: repository.id, data: repositoryView(repository) };
    },
  );

  app.post(
    '/api/v2/repositories/getAllWriteupsRepositories',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        body: EmptyBody,
        tags,
        summary: "The tenant's WriteupsDB repositories (PlexTrac sends an empty JSON object)",
        security: Security,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), data: Type.Array(Loose) }) }, 401),
      },
    },
    async (request) => ({ status: 'success' as const, data: (await writeups.listRepositories(request.caller.tenantId)).map(repositoryView) }),
  );

  app.post<{ Params: Static<typeof RepositoryParams> }>(
    '/api/v2/repositories/:repositoryId',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        body: EmptyBody,
        tags,
        summary: 'One repository (PlexTrac reads it with POST)',
        security: Security,
        params: RepositoryParams,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), data: Loose }) }, 401, 404),
      },
    },
    async (request) => ({ status: 'success' as const, data: repositoryView(await writeups.repository(request.caller.tenantId, request.params.repositoryId)) }),
  );

  app.post<{ Params: Static<typeof RepositoryParams> }>(
    '/api/v2/repositories/:repositoryId/getWriteups',
    {
      preValidation: emptyBodyAsObject,
      schema: {
        body: EmptyBody,
        tags,
        summary: "A repository's writeups",
        security: Security,
        params: RepositoryParams,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), data: Type.Array(Loose) }) }, 401, 404),
      },
    },
    async (request) => {
      const repository = await writeups.repository(request.caller.tenantId, request.params.repositoryId);
      return { status: 'success' as const, data: (await writeups.listWriteups(request.caller.tenantId, repository.id)).map(writeupView) };
    },
  );

  const createWriteup = async (request: { caller: AppCaller; body: Record<string, unknown> }) => {
    const writeup = await writeups.createWriteup(request.caller, request.body);
    return { status: 'success' as const, message: 'success', id: `template_${writeup.id}`, doc_id: writeup.id, repositoryId: writeup.repository_id };
  };

  app.post<{ Body: Static<typeof WriteupCreate> }>(
    '/api/v1/template/create',
    {
      preHandler: canWrite,
      schema: {
        tags,
        summary: 'Create a writeup in a repository, e.g. from a finding (GET …/flaw/{id} JSON plus repositoryId)',
        security: Security,
        body: WriteupCreate,
        response: withErrors({ 200: WriteupCreated }, 400, 401, 403, 404),
      },
    },
    async (request) => createWriteup(request),
  );

  app.post<{ Body: Static<typeof WriteupCreate> }>(
    '/api/v2/repositories/copyFlawToWriteupsRepository',
    {
      preHandler: canWrite,
      schema: {
        tags,
        summary: 'Deprecated: copy a finding to a WriteupsDB repository; use POST /api/v1/template/create',
        deprecated: true,
        security: Security,
        body: WriteupCreate,
        response: withErrors({ 200: WriteupCreated }, 400, 401, 403, 404),
      },
    },
    async (request, reply) => {
      markDeprecated(reply, '/api/v1/template/create');
      return createWriteup(request);
    },
  );

  app.get(
    '/api/v1/template/list',
    { schema: { tags, summary: "All the tenant's writeups", security: Security, response: withErrors({ 200: Type.Array(Loose) }, 401) } },
    async (request) => (await writeups.listWriteups(request.caller.tenantId)).map(writeupView),
  );

  app.get<{ Params: Static<typeof WriteupParams> }>(
    '/api/v1/template/:writeupId',
    { schema: { tags, summary: 'One writeup', security: Security, params: WriteupParams, response: withErrors({ 200: Loose }, 401, 404) } },
    async (request) => writeupView(await writeups.writeup(request.caller.tenantId, request.params.writeupId)),
  );

  app.delete<{ Params: Static<typeof WriteupParams> }>(
    '/api/v1/template/:writeupId',
    {
      preHandler: canWrite,
      schema: {
        tags,
        summary: 'Delete a writeup (parser actions linked to it fall back to DEFAULT)',
        security: Security,
        params: WriteupParams,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), message: Type.String(), doc_id: Type.String() }) }, 401, 403, 404),
      },
    },
    async (request) => {
      const deleted = await writeups.deleteWriteup(request.caller.tenantId, request.params.writeupId);
      return { status: 'success' as const, message: 'success', doc_id: `template_${deleted.id}` };
    },
  );
}

type AppCaller = { tenantId: number; userId: number };
