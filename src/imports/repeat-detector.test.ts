import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RepeatDetector, sameValue } from './repeat-detector.js';

test('sameValue: equal JSON-like values in any key order; undefined members count as absent', () => {
  assert.equal(sameValue({ a: 'x', b: [1, { c: 'y' }] }, { b: [1, { c: 'y' }], a: 'x' }), true);
  assert.equal(sameValue({ a: 'x', gone: undefined }, { a: 'x' }), true);
  assert.equal(sameValue({ a: 'x' }, { a: 'x', extra: 'z' }), false);
  assert.equal(sameValue({ a: [1, 2] }, { a: [2, 1] }), false);
  assert.equal(sameValue({ a: [] }, { a: {} }), false);
  assert.equal(sameValue({ a: null }, { a: undefined }), false);
  assert.equal(sameValue('text', 'text'), true);
  assert.equal(sameValue(1, '1'), false);
});

test('a record equal to the last one kept under its key is a repeat; a changed one replaces it', () => {
  const detector = new RepeatDetector(1024 * 1024);
  const first = { title: 'T', severity: 'High', description: 'd' };
  assert.equal(detector.repeats('f:1', first), false);
  assert.equal(detector.repeats('f:1', { severity: 'High', description: 'd', title: 'T' }), true);
  assert.equal(detector.repeats('f:2', { ...first }), false, 'keys are separate');
  assert.equal(detector.repeats('f:1', { ...first, description: 'changed' }), false);
  assert.equal(detector.repeats('f:1', first), false, 'only the last record of a key counts');
  assert.equal(detector.repeats('f:1', first), true);
});

test('what is kept is a copy: changing the record afterwards does not change the comparison', () => {
  const detector = new RepeatDetector(1024 * 1024);
  const record = { title: 'T', references: ['a'] };
  detector.repeats('f:1', record);
  record.references.push('b');
  assert.equal(detector.repeats('f:1', record), false);
});

test('past the budget new keys are not kept (never reported as repeats); kept keys still are', () => {
  const detector = new RepeatDetector(600);
  const big = { description: 'x'.repeat(200) };
  assert.equal(detector.repeats('f:kept', big), false);
  assert.equal(detector.repeats('f:other', { ...big }), false);
  assert.equal(detector.repeats('f:other', { ...big }), false, 'over budget: not kept, so staged again');
  assert.equal(detector.repeats('f:kept', { ...big }), true);
});
