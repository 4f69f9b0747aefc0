import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRole, parseRole, WRITE_ROLES } from './roles.js';

test('roles are read in any case and common spellings; legacy USER reads as ANALYST', () => {
  assert.equal(parseRole('admin'), 'ADMIN');
  assert.equal(parseRole(' Analyst '), 'ANALYST');
  for (const spelling of ['READ_ONLY', 'read-only', 'ReadOnly']) assert.equal(parseRole(spelling), 'READ_ONLY', spelling);
  assert.equal(parseRole('USER'), 'ANALYST');
  for (const bad of ['', 'root', 'owner', 'read only']) assert.equal(parseRole(bad), null, bad);
});

test('only canonical names are roles, and READ_ONLY cannot write', () => {
  assert.equal(isRole('ADMIN'), true);
  assert.equal(isRole('admin'), false);
  assert.equal(isRole('USER'), false);
  assert.deepEqual([...WRITE_ROLES].sort(), ['ADMIN', 'ANALYST']);
});
