import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertDeliverable, checkWebhookUrl } from './destination.js';

test('webhook URLs must be http(s) without credentials', () => {
  assert.equal(checkWebhookUrl('https://hooks.example.com/intake').hostname, 'hooks.example.com');
  assert.throws(() => checkWebhookUrl('ftp://x'), { code: 'WEBHOOK_URL_INVALID' });
  assert.throws(() => checkWebhookUrl('https://user:pw@x.example'), { code: 'WEBHOOK_URL_INVALID' });
  assert.throws(() => checkWebhookUrl('not a url'), { code: 'WEBHOOK_URL_INVALID' });
});

test('internal destinations are refused unless allowed', async () => {
  for (const url of ['http://127.0.0.1:8080/x', 'http://10.1.2.3/', 'http://192.168.1.1/', 'http://169.254.169.254/latest', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://localhost/']) {
    await assert.rejects(assertDeliverable(new URL(url), false), { code: 'WEBHOOK_DESTINATION_FORBIDDEN' }, url);
  }
  await assertDeliverable(new URL('http://127.0.0.1:8080/x'), true);
  await assertDeliverable(new URL('http://93.184.216.34/'), false);
});
