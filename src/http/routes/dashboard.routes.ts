/**
 * The web dashboard under /ui/: the files Vite built from ui/ into dist/ui. Hashed files under
 * /ui/assets/ are cached for a year; every other /ui/ path answers index.html, uncached, because
 * the dashboard routes in the browser (a reload of /ui/imports/<key> must work). The page needs no
 * token: the API calls it makes carry one. `GET /` stays PlexTrac's JSON probe (health.routes.ts).
 */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic, { type SetHeadersResponse } from '@fastify/static';

/** dist/ui, seen from dist/src/http/routes/ where this file is compiled to. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../ui/', import.meta.url));

const PREFIX = '/ui/';
const YEAR_SECONDS = 365 * 24 * 3600;

/**
 * The page loads only its own files. connect-src stays open because the upload goes to a presigned
 * URL, whose origin (an S3 endpoint, or INTAKE_PUBLIC_URL) is not known to the page in advance.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  'connect-src *',
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names every file under assets/ by its content hash: a changed file gets a new URL. */
function headersFor(dir: string) {
  const assets = join(dir, 'assets') + sep;
  return (res: SetHeadersResponse, filePath: string): void => {
    const hashed = filePath.startsWith(assets);
    res.setHeader('cache-control', hashed ? `public, max-age=${YEAR_SECONDS}, immutable` : 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    if (filePath.endsWith('.html')) {
      res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      res.setHeader('referrer-policy', 'same-origin');
    }
  };
}

export async function dashboardRoutes(app: FastifyInstance, dir: string = DASHBOARD_DIR): Promise<void> {
  app.get('/ui', { schema: { hide: true } }, async (_request, reply) => reply.redirect(PREFIX, 308));

  if (!existsSync(join(dir, 'index.html'))) {
    // Say what is missing instead of a bare 404 (e.g. `tsc` was run without `vite build ui`).
    app.get(`${PREFIX}*`, { schema: { hide: true } }, async (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send(`The dashboard is not built (no ${join(dir, 'index.html')}): run \`npm run build\`.\n`),
    );
    return;
  }

  await app.register(fastifyStatic, {
    root: dir,
    prefix: PREFIX,
    // One route per built file, so that the catch-all below can answer everything else.
    wildcard: false,
    index: false,
    // send's own Cache-Control would overwrite the one headersFor chooses per file.
    cacheControl: false,
    setHeaders: headersFor(dir),
  });

  app.get(`${PREFIX}*`, { schema: { hide: true } }, async (request, reply) => {
    // A missing script or stylesheet is a 404, never the HTML page in its place.
    if (request.url.startsWith(`${PREFIX}assets/`)) return reply.callNotFound();
    return reply.sendFile('index.html');
  });
}
