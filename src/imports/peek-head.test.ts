import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peekHead } from './peek-head.js';

async function* chunks(parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

async function readAll(source: AsyncIterable<Buffer>): Promise<string> {
  const out: Buffer[] = [];
  for await (const chunk of source) out.push(chunk);
  return Buffer.concat(out).toString();
}

test('returns the first bytes and still yields the whole stream', async () => {
  const { head, body } = await peekHead(chunks(['abc', 'def', 'ghi', 'jkl']), 5);
  assert.equal(head, 'abcde');
  assert.equal(await readAll(body), 'abcdefghijkl');
});

test('a stream shorter than the head is read once, whole', async () => {
  const { head, body } = await peekHead(chunks(['ab']), 100);
  assert.equal(head, 'ab');
  assert.equal(await readAll(body), 'ab');
  const empty = await peekHead(chunks([]), 100);
  assert.equal(empty.head, '');
  assert.equal(await readAll(empty.body), '');
});
