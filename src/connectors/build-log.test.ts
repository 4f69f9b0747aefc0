import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildLog, MAX_LISTED_REJECTIONS } from './build-log.js';

test('rejected rows are listed with file, line and reason up to the cap, then counted', () => {
  const log = new BuildLog();
  log.line('Import #1');
  for (let line = 2; line < 2 + MAX_LISTED_REJECTIONS + 25; line++) log.rejected('emp.csv', line, `column "email": "x${line}" is not an email address`);
  log.line('File "emp.csv" (Employee File): 125 rows read, 0 loaded, 125 rejected');
  const lines = log.text().split('\n');
  assert.equal(lines[0], 'Import #1');
  assert.equal(lines[1], '  rejected emp.csv line 2: column "email": "x2" is not an email address');
  assert.equal(lines.filter((l) => l.startsWith('  rejected ')).length, MAX_LISTED_REJECTIONS);
  assert.equal(lines.at(-1), '  … and 25 more rejected rows not listed');
});

test('no count line when every rejected row is listed', () => {
  const log = new BuildLog();
  log.rejected('p.csv', 7, 'column "privilege" is required');
  assert.equal(log.text(), '  rejected p.csv line 7: column "privilege" is required');
});
