import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertDeliverable, checkWebhookUrl, type Resolver } from './destination.js';
import { postWebhook } from './post.js';

test('webhook URLs must be http(s) without credentials', () => {
  assert.equal(checkWebhookUrl('https://hooks.example.com/intake').hostname, 'hooks.example.com');
  assert.throws(() => checkWebhookUrl('ftp://x'), { code: 'WEBHOOK_URL_INVALID' });
  assert.throws(() => checkWebhookUrl('https://user:pw@x.example'), { code: 'WEBHOOK_URL_INVALID' });
  assert.throws(() => checkWebhookUrl('not a url'), { code: 'WEBHOOK_URL_INVALID' });
});

test('internal IP literals are refused before connecting, unless allowed', () => {
  for (const url of ['http://127.0.0.1:8080/x', 'http://10.1.2.3/', 'http://192.168.1.1/', 'http://169.254.169.254/latest', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/']) {
    assert.throws(() => assertDeliverable(new URL(url), false), { code: 'WEBHOOK_DESTINATION_FORBIDDEN' }, url);
  }
  assertDeliverable(new URL('http://127.0.0.1:8080/x'), true);
  assertDeliverable(new URL('http://93.184.216.34/'), false);
});

/** A receiver on loopback that counts what reaches it. */
async function receiver(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { port: (server.address() as AddressInfo).port, received: () => count, close: () => new Promise((done) => server.close(() => done())) };
}

test('names are checked on the addresses the connection uses: a name resolving to an internal address never connects', async () => {
  const local = await receiver();
  try {
    await assert.rejects(
      postWebhook(new URL(`http://localhost:${local.port}/hook`), {}, '{}', { allowPrivate: false, timeoutMs: 5000 }),
      { code: 'WEBHOOK_DESTINATION_FORBIDDEN' },
    );
    assert.equal(local.received(), 0);
  } finally {
    await local.close();
  }
});

test('DNS rebinding: the one resolution that is checked is the one connected to', async () => {
  const local = await receiver();
  try {
    // A name that answers with a public address the first time and with loopback afterwards, as a
    // rebinding attacker's DNS server does. Checked and connected with one resolution, the
    // connection goes to the public address it was checked on, or nowhere.
    let calls = 0;
    const rebinding: Resolver = async () => (calls++ === 0 ? [{ address: '192.0.2.1', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const first = postWebhook(new URL(`http://rebind.example:${local.port}/hook`), {}, '{}', { allowPrivate: false, timeoutMs: 300, resolve: rebinding });
    await assert.rejects(first); // 192.0.2.1 (TEST-NET-1) is public to the check but answers nothing: a timeout
    await assert.rejects(
      postWebhook(new URL(`http://rebind.example:${local.port}/hook`), {}, '{}', { allowPrivate: false, timeoutMs: 5000, resolve: rebinding }),
      { code: 'WEBHOOK_DESTINATION_FORBIDDEN' },
    );
    assert.equal(calls, 2, 'one resolution per delivery');
    assert.equal(local.received(), 0, 'nothing reached the internal address');

    // And the address that was checked is really the one used: allowed, the same name reaches loopback.
    const pinned: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    assert.equal(await postWebhook(new URL(`http://rebind.example:${local.port}/hook`), {}, '{}', { allowPrivate: true, timeoutMs: 5000, resolve: pinned }), 204);
    assert.equal(local.received(), 1);
  } finally {
    await local.close();
  }
});
