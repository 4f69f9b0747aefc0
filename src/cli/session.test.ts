import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConnection } from './session.js';
import type { StoredCredentials } from './credentials.js';

const NOW = new Date('2030-01-01T12:00:00Z');
const STORED: StoredCredentials = { url: 'https://stored.example', token: 'stored-token', expiresAt: '2030-01-01T12:10:00Z', tenantId: 7, user: 'a@example.com' };

test('the stored login is used when the environment says nothing', () => {
  const c = resolveConnection({}, STORED, NOW);
  assert.deepEqual(c, { url: 'https://stored.example', token: 'stored-token', source: 'login', expiresAt: new Date(STORED.expiresAt!), tenantId: 7 });
});

test('INTAKE_TOKEN and INTAKE_URL override the stored login (and its tenant is not assumed)', () => {
  const c = resolveConnection({ INTAKE_TOKEN: 'pa_abc', INTAKE_URL: 'https://env.example' }, STORED, NOW);
  assert.deepEqual(c, { url: 'https://env.example', token: 'pa_abc', source: 'environment', expiresAt: null, tenantId: null });
  assert.equal(resolveConnection({ INTAKE_TOKEN: 'pa_abc' }, STORED, NOW).url, 'https://stored.example');
  assert.equal(resolveConnection({ INTAKE_URL: 'https://env.example' }, STORED, NOW).url, 'https://env.example');
});

test('an env token works without any stored login, given a URL', () => {
  assert.equal(resolveConnection({ INTAKE_TOKEN: 'pa_x', INTAKE_URL: 'http://h:1' }, null, NOW).token, 'pa_x');
  assert.throws(() => resolveConnection({ INTAKE_TOKEN: 'pa_x' }, null, NOW), /set INTAKE_URL too/);
});

test('no login at all says to log in', () => {
  assert.throws(() => resolveConnection({}, null, NOW), /not logged in: run `intake login`/);
  assert.throws(() => resolveConnection({ INTAKE_TOKEN: '  ' }, null, NOW), /not logged in/);
});

test('an expired stored session says to log in again, naming the server', () => {
  const expired = { ...STORED, expiresAt: '2030-01-01T11:59:59Z' };
  assert.throws(() => resolveConnection({}, expired, NOW), /your session on https:\/\/stored\.example expired at .*; run `intake login` again/);
  // An env token does not care about the stored session's expiry.
  assert.equal(resolveConnection({ INTAKE_TOKEN: 't' }, expired, NOW).token, 't');
  // A login without a known expiry (older file) is tried; the server decides.
  assert.equal(resolveConnection({}, { ...STORED, expiresAt: null }, NOW).token, 'stored-token');
});
