import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Logger } from '../logging.js';
import { LocalDiskStore } from '../storage/local-disk-store.js';
import { deleteRequest, readRequest, requestKeyOf } from './bulk-request.js';

let root: string;
let store: LocalDiskStore;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'intake-bulk-request-'));
  store = new LocalDiskStore(root, 'http://intake.test', 'a-signing-secret-not-used-here');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

const put = (key: string, body: string) => store.put(key, Readable.from([Buffer.from(body)]));

function recordingLog(): Logger & { warnings: unknown[][] } {
  const warnings: unknown[][] = [];
  return { warnings, warn: (...args: unknown[]) => void warnings.push(args) } as unknown as Logger & { warnings: unknown[][] };
}

test('the key of a request is b<id without dashes>/request.json', () => {
  assert.equal(requestKeyOf('0f8c3a52-1b2c-4d5e-8f90-a1b2c3d4e5f6'), 'b0f8c3a521b2c4d5e8f90a1b2c3d4e5f6/request.json');
});

test('readRequest answers the stored array and refuses anything else', async () => {
  await put('bread/request.json', '[{"name":"a"}]');
  assert.deepEqual(await readRequest(store, 'bread/request.json'), [{ name: 'a' }]);
  await put('bobject/request.json', '{"name":"a"}');
  await assert.rejects(readRequest(store, 'bobject/request.json'), (e: { code?: string }) => e.code === 'BULK_BODY_INVALID');
});

test('deleteRequest deletes the object', async () => {
  await put('bdelete/request.json', '[]');
  const log = recordingLog();
  await deleteRequest(store, 'bdelete/request.json', log, 'id-1');
  assert.equal(await store.head('bdelete/request.json'), null);
  assert.equal(log.warnings.length, 0);
});

test('a delete that fails is logged as a warning, not thrown: the job has already ended', async () => {
  // The store cannot remove a folder that holds something where the object should be.
  await mkdir(join(root, 'bstuck', 'request.json'), { recursive: true });
  await writeFile(join(root, 'bstuck', 'request.json', 'inside'), 'x');
  const log = recordingLog();
  await deleteRequest(store, 'bstuck/request.json', log, 'id-2');
  assert.equal(log.warnings.length, 1);
  const fields = log.warnings[0]![0] as { importId: string; key: string; err: Error };
  assert.deepEqual([fields.importId, fields.key], ['id-2', 'bstuck/request.json']);
  assert.ok(fields.err instanceof Error);
  assert.match(String(log.warnings[0]![1]), /could not delete the stored bulk request/);
});
