/** GET /api/v2/parsers: the sources Intake can import, for clients and for `source=auto` users. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { authenticate } from '../auth.js';
import { Security, withErrors } from '../schemas/common.js';
import { AUTO_SOURCE, listParsers } from '../../parsers/registry.js';

const ParserInfo = Type.Object({
  source: Type.String(),
  name: Type.String(),
  aliases: Type.Array(Type.String()),
  fileTypes: Type.Array(Type.String()),
  autoDetect: Type.Boolean(),
});

export async function parserRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps));
  app.get(
    '/api/v2/parsers',
    {
      schema: {
        tags: ['file imports'],
        summary: `Every import source; "${AUTO_SOURCE}" picks one of those with autoDetect from the file's first bytes`,
        security: Security,
        response: withErrors({ 200: Type.Object({ status: Type.Literal('success'), auto: Type.String(), parsers: Type.Array(ParserInfo) }) }, 401),
      },
    },
    async () => ({
      status: 'success' as const,
      auto: AUTO_SOURCE,
      parsers: listParsers().map((parser) => ({
        source: parser.source,
        name: parser.displayName,
        aliases: [...(parser.aliases ?? [])],
        fileTypes: [...parser.fileTypes],
        // Every registered parser can sniff its format; kept explicit for clients.
        autoDetect: true,
      })),
    }),
  );
}
