import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCuid, newCuid } from './cuid.js';

test('ids look like PlexTrac repository ids and do not repeat', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const id = newCuid();
    assert.ok(isCuid(id), id);
    ids.add(id);
  }
  assert.equal(ids.size, 5000);
  assert.ok(isCuid('cl0e3lc0c002318mx4y2bg3wn'));
});

test('later ids sort after earlier ones (the timestamp leads)', () => {
  assert.ok(newCuid(Date.UTC(2030, 0, 1)) > newCuid(Date.UTC(2024, 0, 1)));
});

test('isCuid refuses other shapes', () => {
  for (const bad of ['', 'c123', 'Cl0e3lc0c002318mx4y2bg3wn', 'cl0e3lc0c002318mx4y2bg3w-', '../etc/passwd', 'cl0e3lc0c002318mx4y2bg3wnx']) {
    assert.equal(isCuid(bad), false, bad);
  }
});
