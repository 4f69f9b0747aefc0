import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDatabaseUnavailable, isDatabaseTimeout } from './connection-errors.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('a server going down, starting up or out of slots is unavailability', () => {
  for (const code of ['57P01', '57P02', '57P03', '53300', '08006', '08001', 'ECONNREFUSED', 'ECONNRESET']) {
    assert.equal(isDatabaseUnavailable(withCode(code)), true, code);
  }
});

test("node-postgres's own words for a lost or timed-out connection are unavailability", () => {
  assert.equal(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isDatabaseUnavailable(new Error('Connection terminated due to connection timeout')), true);
  assert.equal(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect')), true);
  assert.equal(isDatabaseUnavailable(new Error('Client has encountered a connection error and is not queryable')), true);
});

test('wrapped errors and AggregateErrors are looked into', () => {
  assert.equal(isDatabaseUnavailable(new Error('could not load the import', { cause: withCode('ECONNREFUSED') })), true);
  assert.equal(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], '')), true);
});

test('ordinary database errors are not unavailability', () => {
  for (const code of ['23505', '22021', '42P01', '40001', '57014']) assert.equal(isDatabaseUnavailable(withCode(code)), false, code);
  assert.equal(isDatabaseUnavailable(new Error('duplicate key value violates unique constraint')), false);
  assert.equal(isDatabaseUnavailable(null), false);
  assert.equal(isDatabaseUnavailable('ECONNREFUSED'), false);
});

test('a cancelled or unanswered statement is a timeout, wrapped or not', () => {
  assert.equal(isDatabaseTimeout(new Error('Query read timeout')), true);
  assert.equal(isDatabaseTimeout(withCode('57014', 'canceling statement due to statement timeout')), true);
  assert.equal(isDatabaseTimeout(new Error('outer', { cause: withCode('57014') })), true);
  assert.equal(isDatabaseTimeout(withCode('57P01')), false);
});
