import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyKeys, type KeyState } from './prompt.js';

const start: KeyState = { text: '', done: false, aborted: false };
const type = (...chunks: string[]) => chunks.reduce((state, chunk) => (state.done ? state : applyKeys(state, chunk)), start);

test('typed characters accumulate until Enter (one key per chunk or pasted at once)', () => {
  assert.deepEqual(type('s', 'e', 'c', '\r'), { text: 'sec', done: true, aborted: false });
  assert.deepEqual(type('p4ss wörd\r'), { text: 'p4ss wörd', done: true, aborted: false });
  assert.deepEqual(type('abc'), { text: 'abc', done: false, aborted: false });
  assert.deepEqual(type('line\nignored after'), { text: 'line', done: true, aborted: false });
});

test('Backspace deletes one character (also a multi-byte one), Ctrl-U clears the line', () => {
  assert.equal(type('abcé', '\u007f', '\u007f', 'x\r').text, 'abx');
  assert.equal(type('\b').text, '');
  assert.equal(type('secret', '\u0015', 'new\r').text, 'new');
});

test('Ctrl-C aborts and forgets the text; Ctrl-D ends the input', () => {
  assert.deepEqual(type('half', '\u0003'), { text: '', done: true, aborted: true });
  assert.deepEqual(type('ok', '\u0004'), { text: 'ok', done: true, aborted: false });
});

test('arrow keys and other escape sequences or control characters are not taken as input', () => {
  assert.equal(type('a', '\u001b[D', '\u001b[1;5C', 'b', '\t', '\r').text, 'ab');
});
