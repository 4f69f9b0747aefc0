/**
 * Security headers on every response, from @fastify/helmet: no MIME sniffing, no framing, no
 * referrer, cross-origin isolation of Intake's resources, a Content-Security-Policy, and HSTS
 * when clients reach Intake over https (INTAKE_PUBLIC_URL; TLS usually ends at a proxy, so the
 * scheme Intake itself sees says nothing). Helmet sets them in an onRequest hook, so errors, 404s,
 * 413s and hijacked replies (SSE) carry them too; a route may still replace one (uploads served
 * to browsers set a sandboxing CSP of their own).
 *
 * The CSP depends on what a response is: API answers are data, never pages, so nothing may load
 * or run in them; Intake's two sets of pages — /docs (swagger-ui) and /ui/ (the dashboard) — may
 * load scripts, styles, images and fonts from their own origin only.
 *
 * API answers and presigned downloads also get `Cache-Control: no-store` unless the route chose
 * its own caching: they carry tokens and clients' data that no shared cache should keep.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import helmet from '@fastify/helmet';
import { LOCAL_UPLOAD_PATH } from '../storage/local-disk-store.js';

type Directives = Record<string, string[]>;

/** For data: nothing in an API answer may load or run, and no page may frame it. */
export const API_DIRECTIVES: Directives = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * For swagger-ui under /docs: its files and the OpenAPI document come from this origin, and
 * "Try it out" calls this API. It sets inline style attributes (never inline scripts), hence
 * 'unsafe-inline' for styles only.
 */
export const DOCS_DIRECTIVES: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

/**
 * For the dashboard under /ui/ (dashboard.routes.ts sets the same policy on its HTML): its own
 * files only, except that an upload goes to a presigned URL, whose origin (an S3 endpoint, or
 * INTAKE_PUBLIC_URL) the page cannot know in advance.
 */
export const DASHBOARD_DIRECTIVES: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ['*'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src-attr': ["'none'"],
};

/** API answers, and files downloaded by presigned URL (embedded mode): no cache may keep them. */
const NOT_TO_KEEP = ['/api/', LOCAL_UPLOAD_PATH];

/** HSTS for a year, for this host only: Intake does not speak for its parent domain's other hosts. */
const HSTS = { maxAge: 365 * 24 * 3600, includeSubDomains: false, preload: false };

export interface SecurityHeadersConfig {
  publicUrl: string;
}

export async function registerSecurityHeaders(app: FastifyInstance, config: SecurityHeadersConfig): Promise<void> {
  const https = config.publicUrl.startsWith('https://');
  const policy = (directives: Directives) => ({
    useDefaults: false,
    // Pages reached over https must never fetch their own files over plain http.
    directives: https && directives !== API_DIRECTIVES ? { ...directives, 'upgrade-insecure-requests': [] } : directives,
  });

  // Added before helmet's own onRoute hook (which reads `route.helmet`) and before the pages'
  // routes (swagger-ui, the dashboard): it gives those routes their policy.
  app.addHook('onRoute', (route: RouteOptions) => {
    const directives = pageDirectivesFor(route.url);
    if (directives && route.helmet === undefined) route.helmet = { contentSecurityPolicy: policy(directives) };
  });

  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: policy(API_DIRECTIVES),
    strictTransportSecurity: https ? HSTS : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (NOT_TO_KEEP.some((prefix) => request.url.startsWith(prefix)) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/** The policy of a page route, or undefined for everything else (the API policy applies). */
export function pageDirectivesFor(url: string | undefined): Directives | undefined {
  if (!url) return undefined;
  if (url === '/docs' || url.startsWith('/docs/')) return DOCS_DIRECTIVES;
  if (url === '/ui' || url.startsWith('/ui/')) return DASHBOARD_DIRECTIVES;
  return undefined;
}
