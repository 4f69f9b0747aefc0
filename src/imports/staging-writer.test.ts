import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toJson } from './staging-writer.js';

test('JSON for jsonb: NUL characters become U+FFFD; a literal backslash-u0000 text is kept', () => {
  assert.deepEqual(JSON.parse(toJson({ a: 'x\u0000y', b: 'lit\\u0000eral', c: '\\\u0000', d: [1, 'ok'] })), {
    a: 'x\uFFFDy',
    b: 'lit\\u0000eral',
    c: '\\\uFFFD',
    d: [1, 'ok'],
  });
  assert.equal(toJson({ plain: 'text' }), '{"plain":"text"}');
});
