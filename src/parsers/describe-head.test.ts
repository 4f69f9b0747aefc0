import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeHead } from './describe-head.js';

test('names what a file looks like from its first bytes', () => {
  assert.equal(describeHead(''), 'an empty file');
  assert.equal(describeHead('  \n'), 'an empty file');
  assert.equal(describeHead('<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE issues [<!ELEMENT issues ANY>]>\n<issues burpVersion="1">'), 'XML with root element <issues>');
  assert.equal(describeHead('\uFEFF<NessusClientData_v2>'), 'XML with root element <NessusClientData_v2>');
  assert.equal(describeHead('[{"template-id": "x", "host": "h"}]'), 'JSON with keys "template-id", "host"');
  assert.equal(describeHead('title,severity,asset\nA,High,h'), 'CSV or text whose first line is "title,severity,asset"');
  assert.equal(describeHead('\u0000\u0001PK\u0003\u0004binary'), 'binary data, not text');
  assert.equal(describeHead('just some words'), 'text starting "just some words"');
});

test('a head cut inside a multi-byte character is not taken for binary', () => {
  assert.equal(describeHead('<root>résumé \uFFFD'), 'XML with root element <root>');
});
