/**
 * Deprecated PlexTrac routes Intake keeps for old scripts are marked the way importAsync is
 * (src/http/routes/file-imports.routes.ts): `Deprecation` (RFC 9745, an epoch date), `Sunset`
 * (RFC 8594, an HTTP date) and a `Link` to the successor. The dates are importAsync's: PlexTrac
 * deprecated its old import and copy routes together and publishes no other dates.
 */
import type { FastifyReply } from 'fastify';

const DEPRECATED_AT = Date.UTC(2025, 5, 23) / 1000;
const SUNSET = new Date(Date.UTC(2025, 9, 8)).toUTCString();

export function markDeprecated(reply: FastifyReply, successorPath: string): void {
  reply.header('Deprecation', `@${DEPRECATED_AT}`);
  reply.header('Sunset', SUNSET);
  reply.header('Link', `<${successorPath}>; rel="successor-version"`);
}
