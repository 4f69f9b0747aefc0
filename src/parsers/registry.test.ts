import { test } from 'node:test';
import assert from 'node:assert/strict';
import { burpParser } from './burp/burp.parser.js';
import { SAMPLE_BURP } from './burp/fixtures/sample-burp.js';
import { nessusParser } from './nessus/nessus.parser.js';
import { SAMPLE_NESSUS } from './nessus/fixtures/sample-nessus.js';
import { detectSource, getParser, listSources } from './registry.js';

test('maps each source name to its parser', () => {
  assert.equal(getParser('nessus'), nessusParser);
  assert.equal(getParser('burp'), burpParser);
  for (const source of listSources()) assert.equal(getParser(source)?.source, source);
});

test('unknown sources, including object property names, have no parser', () => {
  for (const source of ['qualys', 'Nessus', '', '__proto__', 'constructor', 'toString']) {
    assert.equal(getParser(source), undefined, source);
  }
});

test('lists the registered sources', () => {
  assert.deepEqual(listSources(), ['nessus', 'burp']);
});

test('detects the source from the first bytes of a file', () => {
  assert.equal(detectSource(SAMPLE_NESSUS.slice(0, 4096)), 'nessus');
  assert.equal(detectSource(SAMPLE_BURP.slice(0, 4096)), 'burp');
  assert.equal(detectSource('<?xml version="1.0"?><SCAN value="x"/>'), undefined);
  assert.equal(detectSource(''), undefined);
});
