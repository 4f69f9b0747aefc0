import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { apiTokenLabel, generateApiToken, hashApiToken, isApiToken } from './api-tokens.js';

test('a generated token is pa_ and 256 random bits, and its hash is the SHA-256 of the whole token', () => {
  const { token, hash } = generateApiToken();
  assert.match(token, /^pa_[A-Za-z0-9_-]{43}$/);
  assert.equal(hash, createHash('sha256').update(token).digest('hex'));
  assert.equal(hashApiToken(token), hash);
  assert.notEqual(generateApiToken().token, token);
});

test('API tokens are told from session JWTs by their prefix', () => {
  assert.equal(isApiToken(generateApiToken().token), true);
  assert.equal(isApiToken('eyJhbGciOiJIUzI1NiJ9.e30.sig'), false);
  assert.equal(isApiToken('PA_abc'), false);
});

test('the label names the token', () => {
  assert.equal(apiTokenLabel('ci'), 'API Token - ci');
});
