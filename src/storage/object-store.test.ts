import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isSafeKey } from './object-store.js';

describe('isSafeKey', () => {
  test('accepts <id>/<name> keys', () => {
    for (const key of ['cabc123/scan.nessus', 'a/b', 'A1._-z/Burp Export (2).xml', 'id/...', 'id/a..b', `${'a'.repeat(128)}/${'n'.repeat(255)}`]) {
      assert.equal(isSafeKey(key), true, key);
    }
  });

  test('rejects traversal', () => {
    for (const key of ['../x', 'id/..', 'id/.', './x', '..', '../../etc/passwd', 'id/../x']) {
      assert.equal(isSafeKey(key), false, key);
    }
  });

  test('rejects absolute paths, backslashes and the wrong number of segments', () => {
    for (const key of ['/id/x', 'id', 'id/', '/x', 'a/b/c', 'id\\x', 'id/x\\y', 'C:\\x/y', '']) {
      assert.equal(isSafeKey(key), false, JSON.stringify(key));
    }
  });

  test('rejects control characters', () => {
    for (const key of ['id/a\u0000b', 'id/a\nb', 'id/a\u001fb', 'i\u0001d/x']) {
      assert.equal(isSafeKey(key), false, JSON.stringify(key));
    }
  });

  test('rejects ids that start with punctuation or are too long, and names that are too long', () => {
    for (const key of ['.id/x', '-id/x', '_id/x', `${'a'.repeat(129)}/x`, `id/${'n'.repeat(256)}`]) {
      assert.equal(isSafeKey(key), false, key.slice(0, 20));
    }
  });
});
