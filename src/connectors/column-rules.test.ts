import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRow, mapHeader } from './column-rules.js';
import type { ColumnSpec } from './model.js';

const columns: ColumnSpec[] = [
  { name: 'id', required: true, type: 'string' },
  { name: 'email', required: true, type: 'email' },
  { name: 'age', required: false, type: 'integer' },
  { name: 'hired', required: false, type: 'date' },
  { name: 'active', required: false, type: 'boolean' },
];

test('the header must hold every required column, compared trimmed and case-insensitively', () => {
  assert.deepEqual(mapHeader(columns, [' ID ', 'Email', 'extra']).missingRequired, []);
  assert.deepEqual(mapHeader(columns, ['id', 'name']).missingRequired, ['email']);
});

test('rows: required values, types, and extra columns kept', () => {
  const header = ['id', 'email', 'age', 'hired', 'active', 'team'];
  const mapping = mapHeader(columns, header);
  assert.deepEqual(checkRow(columns, mapping, header, ['7', 'a@b.io', '41', '2024-02-29', 'yes', 'blue']), {
    ok: true,
    data: { id: '7', email: 'a@b.io', age: '41', hired: '2024-02-29', active: 'yes', team: 'blue' },
  });
  assert.deepEqual(checkRow(columns, mapping, header, ['', 'a@b.io', '', '', '', '']), { ok: false, reason: 'column "id" is required but empty' });
  assert.deepEqual(checkRow(columns, mapping, header, ['1', 'nope', '', '', '', '']), { ok: false, reason: 'column "email": "nope" is not an email address' });
  assert.equal((checkRow(columns, mapping, header, ['1', 'a@b.io', '4x', '', '', '']) as { reason: string }).reason, 'column "age": "4x" is not an integer');
  assert.equal((checkRow(columns, mapping, header, ['1', 'a@b.io', '', '31/12/2024', '', '']) as { reason: string }).reason, 'column "hired": "31/12/2024" is not an ISO 8601 date');
  assert.match((checkRow(columns, mapping, header, ['1', 'a@b.io', '', '', 'maybe', '']) as { reason: string }).reason, /not a boolean/);
});
