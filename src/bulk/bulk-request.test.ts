import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { Logger } from '../logging.js';
import type { ObjectStore } from '../storage/object-store.js';
import { deleteRequest, readRequest, requestKeyOf } from './bulk-request.js';

function storeWith(body: string, deleteFails: boolean): ObjectStore & { deleted: string[] } {
  const deleted: string[] = [];
  return {
    deleted,
    presignPut: async () => '',
    presignGet: async () => '',
    put: async () => ({ size: 0 }),
    head: async () => ({ size: body.length }),
    get: async () => Readable.from([Buffer.from(body)]),
    delete: async (key) => {
      if (deleteFails) throw new Error('storage unreachable');
      deleted.push(key);
    },
  };
}

function recordingLog(): Logger & { warnings: unknown[][] } {
  const warnings: unknown[][] = [];
  return { warnings, warn: (...args: unknown[]) => void warnings.push(args) } as unknown as Logger & { warnings: unknown[][] };
}

test('the key of a request is b<id without dashes>/request.json', () => {
  assert.equal(requestKeyOf('0f8c3a52-1b2c-4d5e-8f90-a1b2c3d4e5f6'), 'b0f8c3a521b2c4d5e8f90a1b2c3d4e5f6/request.json');
});

test('readRequest answers the stored array and refuses anything else', async () => {
  assert.deepEqual(await readRequest(storeWith('[{"name":"a"}]', false), 'k/request.json'), [{ name: 'a' }]);
  await assert.rejects(readRequest(storeWith('{"name":"a"}', false), 'k/request.json'), (e: { code?: string }) => e.code === 'BULK_BODY_INVALID');
});

test('deleteRequest deletes the object', async () => {
  const store = storeWith('[]', false);
  const log = recordingLog();
  await deleteRequest(store, 'bx/request.json', log, 'id-1');
  assert.deepEqual(store.deleted, ['bx/request.json']);
  assert.equal(log.warnings.length, 0);
});

test('a delete that fails is logged as a warning, not thrown: the job has already ended', async () => {
  const log = recordingLog();
  await deleteRequest(storeWith('[]', true), 'bx/request.json', log, 'id-2');
  assert.equal(log.warnings.length, 1);
  const fields = log.warnings[0]![0] as { importId: string; key: string; err: Error };
  assert.deepEqual([fields.importId, fields.key, fields.err.message], ['id-2', 'bx/request.json', 'storage unreachable']);
  assert.match(String(log.warnings[0]![1]), /could not delete the stored bulk request/);
});
