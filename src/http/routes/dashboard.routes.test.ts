import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { dashboardRoutes } from './dashboard.routes.js';

async function appServing(dir: string) {
  const app = Fastify();
  await app.register(async (scope) => dashboardRoutes(scope, dir));
  await app.ready();
  return app;
}

test('a built dashboard: index.html for every page path, hashed assets cached for a year, a missing asset is a 404', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'intake-ui-'));
  try {
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    const app = await appServing(dir);

    for (const url of ['/ui/', '/ui/imports/0b4f', '/ui/clients/1/reports/2/findings']) {
      const page = await app.inject({ url });
      assert.equal(page.statusCode, 200, url);
      assert.equal(page.body, '<!doctype html><div id="root"></div>', url);
      assert.equal(page.headers['cache-control'], 'no-cache', url);
      assert.match(String(page.headers['content-security-policy']), /default-src 'self'/, url);
    }
    const asset = await app.inject({ url: '/ui/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await app.inject({ url: '/ui/assets/index-missing.js' })).statusCode, 404);

    const bare = await app.inject({ url: '/ui' });
    assert.equal(bare.statusCode, 308);
    assert.equal(bare.headers.location, '/ui/');
    await app.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a dashboard that was not built answers 503 saying how to build it', async () => {
  const app = await appServing(join(tmpdir(), 'intake-ui-never-built'));
  const res = await app.inject({ url: '/ui/' });
  assert.equal(res.statusCode, 503);
  assert.match(res.body, /npm run build/);
  await app.close();
});
