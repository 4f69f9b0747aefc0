import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../errors/app-error.js';
import { parseTags } from './tags.js';

const tagsInvalid = (error: unknown) => error instanceof AppError && error.code === 'TAGS_INVALID';

describe('parseTags', () => {
  test('a JSON string is parsed', () => {
    assert.deepEqual(parseTags('{"assets":["prod","dmz"],"findings":["q1"]}'), { assets: ['prod', 'dmz'], findings: ['q1'] });
  });

  test('an object is accepted as is', () => {
    assert.deepEqual(parseTags({ assets: ['a'], findings: ['f'] }), { assets: ['a'], findings: ['f'] });
  });

  test('a missing list is empty', () => {
    assert.deepEqual(parseTags('{"assets":["a"]}'), { assets: ['a'], findings: [] });
    assert.deepEqual(parseTags({ findings: ['f'], assets: null }), { assets: [], findings: ['f'] });
  });

  test('undefined, null and the empty string give no tags', () => {
    for (const raw of [undefined, null, '']) {
      assert.deepEqual(parseTags(raw), { assets: [], findings: [] }, String(raw));
    }
  });

  test('tags are trimmed, blanks dropped and duplicates removed, keeping order', () => {
    assert.deepEqual(parseTags({ assets: [' b ', 'a', 'b', '', '  ', 'a '], findings: ['x', 'x'] }), { assets: ['b', 'a'], findings: ['x'] });
  });

  test('a string that is not JSON is TAGS_INVALID', () => {
    assert.throws(() => parseTags('assets=prod'), tagsInvalid);
    assert.throws(() => parseTags('{"assets": ['), tagsInvalid);
  });

  test('JSON that is not an object is TAGS_INVALID', () => {
    for (const raw of ['"prod"', '42', '[]', '["a"]', 'null', 'true']) {
      assert.throws(() => parseTags(raw), tagsInvalid, raw);
    }
    assert.throws(() => parseTags(42), tagsInvalid);
    assert.throws(() => parseTags(['a']), tagsInvalid);
  });

  test('lists that are not arrays of strings are TAGS_INVALID', () => {
    for (const raw of [{ assets: 'prod' }, { assets: ['a', 1] }, { findings: [null] }, { findings: [['nested']] }, { assets: { 0: 'a' } }]) {
      assert.throws(() => parseTags(raw), tagsInvalid, JSON.stringify(raw));
    }
    assert.throws(() => parseTags('{"findings":[{"name":"x"}]}'), tagsInvalid);
  });
});
