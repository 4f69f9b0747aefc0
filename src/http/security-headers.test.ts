import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { registerSecurityHeaders } from './security-headers.js';

async function appFor(publicUrl: string) {
  const app = Fastify();
  await registerSecurityHeaders(app, { publicUrl });
  app.get('/api/v1/thing', async () => ({ ok: true }));
  app.get('/api/v1/cached', async (_request, reply) => reply.header('cache-control', 'private, max-age=60').send({ ok: true }));
  await app.register(async (docs) => docs.get('/', async () => 'page'), { prefix: '/docs' });
  app.get('/ui/*', async () => 'page');
  return app;
}

const directivesOf = (header: unknown) => new Map(String(header).split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

test('API answers: a CSP that lets nothing load or run, no framing, nosniff, no referrer, no-store', async () => {
  const app = await appFor('http://127.0.0.1:8080');
  const res = await app.inject({ url: '/api/v1/thing' });
  const csp = directivesOf(res.headers['content-security-policy']);
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-frame-options'], 'DENY');
  assert.equal(res.headers['referrer-policy'], 'no-referrer');
  assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain http');
  assert.equal(csp.has('upgrade-insecure-requests'), false);
  assert.equal((await app.inject({ url: '/api/v1/cached' })).headers['cache-control'], 'private, max-age=60', "a route's own caching is kept");
});

test('pages (/docs, /ui/) may load their own scripts, styles and images, nothing from elsewhere', async () => {
  const app = await appFor('http://127.0.0.1:8080');
  for (const url of ['/docs/', '/ui/imports/1']) {
    const csp = directivesOf((await app.inject({ url })).headers['content-security-policy']);
    assert.deepEqual(csp.get('default-src'), ["'self'"], url);
    assert.deepEqual(csp.get('object-src'), ["'none'"], url);
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"], url);
    assert.deepEqual(csp.get('script-src-attr'), ["'none'"], url);
    assert.ok(!(csp.get('script-src') ?? []).some((v) => v.includes('unsafe')), `${url}: no unsafe scripts`);
  }
  assert.deepEqual(directivesOf((await app.inject({ url: '/ui/' })).headers['content-security-policy']).get('connect-src'), ['*'], 'the dashboard uploads to presigned URLs');
});

test('over https (INTAKE_PUBLIC_URL): HSTS for a year, and pages upgrade insecure requests', async () => {
  const app = await appFor('https://intake.example.com');
  const api = await app.inject({ url: '/api/v1/thing' });
  assert.equal(api.headers['strict-transport-security'], 'max-age=31536000');
  const docs = await app.inject({ url: '/docs/' });
  assert.equal(docs.headers['strict-transport-security'], 'max-age=31536000');
  assert.ok(directivesOf(docs.headers['content-security-policy']).has('upgrade-insecure-requests'));
});
