/**
 * Request bodies that OpenAPI must describe but Fastify must not validate. Multipart uploads are
 * streamed by their handlers (`request.parts()`), so Fastify never parses them into a body, and a
 * body schema on the route would be checked against that absent body; a JSON array read by a
 * route's own checks (the bulk import, which reports bad objects one by one) is the same case.
 * The schema is therefore added to the route's OpenAPI operation only, through @fastify/swagger's
 * per-route transform; `consumes` on the route says which media type it is.
 */
import type { SwaggerTransform } from '@fastify/swagger';
import { Type, type TSchema } from '@sinclair/typebox';

/** Route `config` that documents `body` as the request body without validating it. */
export function documentedBody(body: TSchema): { swaggerTransform: SwaggerTransform } {
  return { swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, body }, url }) };
}

/** A multipart file part, as OpenAPI 3.0 spells it. */
export function FilePart(description: string) {
  return Type.String({ format: 'binary', description });
}
