import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { redactingLogger, redactUrl } from './log-redaction.js';

test('signatures and tokens in a query are redacted; everything else is kept', () => {
  assert.equal(redactUrl('/cloud/uploads/c1/scan.nessus?expires=1700000000&max=10&sig=abcDEF123'), '/cloud/uploads/c1/scan.nessus?expires=1700000000&max=10&sig=[redacted]');
  assert.equal(redactUrl('/b/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=ff00&x-id=GetObject'), '/b/k?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&x-id=GetObject');
  assert.equal(redactUrl('/x?access_token=s3cret&page=2&token'), '/x?access_token=[redacted]&page=2&token=[redacted]');
  assert.equal(redactUrl('/api/v2/parser-actions?source=nessus'), '/api/v2/parser-actions?source=nessus');
  assert.equal(redactUrl('/healthz'), '/healthz');
});

test("a real Fastify request log line carries the redacted URL, never the signature", async () => {
  let output = '';
  const sink = new Writable({ write: (chunk, _encoding, done) => ((output += chunk), done()) });
  const app = Fastify({ loggerInstance: redactingLogger(pino({ level: 'info' }, sink)) as FastifyBaseLogger });
  app.put('/cloud/uploads/*', async () => ({ ok: true }));
  await app.inject({ method: 'PUT', url: '/cloud/uploads/c1/a.xml?expires=9&max=5&sig=TOPSECRETSIGNATURE', payload: 'x' });
  await app.close();
  assert.match(output, /incoming request/);
  assert.match(output, /sig=\[redacted\]/);
  assert.doesNotMatch(output, /TOPSECRETSIGNATURE/);
});
