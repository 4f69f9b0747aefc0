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
  for (const source of ['notatool', 'Nessus', '', '__proto__', 'constructor', 'toString']) {
    assert.equal(getParser(source), undefined, source);
  }
});

test('lists the registered sources, and aliases lead to their canonical parser', () => {
  assert.deepEqual(listSources().slice(0, 2), ['nessus', 'burp']);
  assert.ok(listSources().includes('owaspzap'));
  assert.equal(getParser('zap')?.source, 'owaspzap');
  assert.equal(new Set(listSources()).size, listSources().length, 'no source registered twice');
});

test('detects the source from the first bytes of a file', () => {
  assert.equal(detectSource(SAMPLE_NESSUS.slice(0, 4096)), 'nessus');
  assert.equal(detectSource(SAMPLE_BURP.slice(0, 4096)), 'burp');
  assert.equal(detectSource('<?xml version="1.0"?><unknown-report value="x"/>'), undefined);
  assert.equal(detectSource(''), undefined);
});
