import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, renderTable, truncate } from './format.js';

test('sizes in powers of 1024', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GB');
  assert.equal(formatBytes(NaN), '?');
});

test('durations', () => {
  assert.equal(formatDuration(400), '0s');
  assert.equal(formatDuration(4_200), '4s');
  assert.equal(formatDuration(75_000), '1m15s');
  assert.equal(formatDuration(3_725_000), '1h02m');
});

test('truncate marks the cut', () => {
  assert.equal(truncate('abcdef', 4), 'abc…');
  assert.equal(truncate('abc', 4), 'abc');
  assert.equal(truncate('😀😀😀', 2), '😀…');
});

test('tables align columns, flatten line breaks and cut the last column to the width', () => {
  const table = renderTable(['KEY', 'STATUS', 'ERROR'], [
    ['a1', 'IMPORT COMPLETE', ''],
    ['b22', 'ERROR', 'unexpected end of file\nat line 3, column 4 in a rather long message'],
  ], { maxWidth: 50 });
  const lines = table.split('\n');
  assert.deepEqual(lines.slice(0, 2), ['KEY  STATUS           ERROR', 'a1   IMPORT COMPLETE']);
  assert.match(lines[2]!, /^b22  ERROR {12}unexpected end of file at l?.*…$/);
  assert.ok(lines.every((line) => line.length <= 50), table);
});

test('painting a cell does not upset the alignment', () => {
  const table = renderTable(['A', 'B'], [['x', 'y'], ['long', 'z']], { paintCell: (column, _value, padded) => (column === 0 ? `<${padded}>` : padded) });
  assert.equal(table, 'A     B\n<x   >  y\n<long>  z');
});
