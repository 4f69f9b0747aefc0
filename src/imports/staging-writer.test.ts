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

test('JSON for jsonb: lone surrogates become U+FFFD, valid pairs and literal escapes are kept, in rows of a batch too', () => {
  const rows = [[1, 'high \ud800 alone', 'low \udc00 alone', 'pair 🔒 ok', 'literal \\ud800 text', { nested: '\udbff!' }]];
  const json = toJson(rows);
  assert.deepEqual(JSON.parse(json), [[1, 'high \uFFFD alone', 'low \uFFFD alone', 'pair 🔒 ok', 'literal \\ud800 text', { nested: '\uFFFD!' }]]);
  assert.equal(/\\ud[89a-f]/i.test(json.replace(/\\\\/g, '')), false, 'no lone surrogate escape is left');
});
