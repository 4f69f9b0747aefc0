import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowsEscapes, createTerminal, painter, statusStyle } from './terminal.js';

const tty = { isTTY: true, write: () => true };
const pipe = { isTTY: false, write: () => true };

test('escapes (colour, redrawn progress) only on a terminal without NO_COLOR or TERM=dumb', () => {
  assert.equal(allowsEscapes(tty, {}), true);
  assert.equal(allowsEscapes(pipe, {}), false);
  assert.equal(allowsEscapes(tty, { NO_COLOR: '1' }), false);
  // no-color.org: an empty NO_COLOR does not count.
  assert.equal(allowsEscapes(tty, { NO_COLOR: '' }), true);
  assert.equal(allowsEscapes(tty, { TERM: 'dumb' }), false);
});

test('progress follows stderr; each stream is coloured by its own kind', () => {
  const stdin = process.stdin;
  const piped = createTerminal({ stdout: tty, stderr: pipe, stdin, env: {} });
  assert.equal(piped.progress, false);
  assert.equal(piped.paintErr('red', 'x'), 'x');
  assert.equal(piped.paint('red', 'x'), '\x1b[31mx\x1b[39m');
  const noColor = createTerminal({ stdout: tty, stderr: tty, stdin, env: { NO_COLOR: 'yes' } });
  assert.equal(noColor.progress, false);
  assert.equal(noColor.paint('green', 'ok'), 'ok');
});

test('painter and status colours', () => {
  assert.equal(painter(false)('bold', 'b'), 'b');
  assert.equal(painter(true)('bold', 'b'), '\x1b[1mb\x1b[22m');
  assert.equal(statusStyle('IMPORT COMPLETE'), 'green');
  assert.equal(statusStyle('Finished'), 'green');
  assert.equal(statusStyle('ERROR'), 'red');
  assert.equal(statusStyle('Failed'), 'red');
  assert.equal(statusStyle('PROCESSING'), 'yellow');
});
