import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, csvLine } from './csv-cell.js';

test('cells a spreadsheet would execute are escaped', () => {
  for (const formula of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
    assert.ok(csvCell(formula).replace(/^"/, '').startsWith("'"), formula);
  }
  assert.equal(csvCell('=HYPERLINK("http://evil")'), `"'=HYPERLINK(""http://evil"")"`);
});

test('plain cells stay as they are; commas, quotes and line breaks are quoted', () => {
  assert.equal(csvCell('created'), 'created');
  assert.equal(csvCell(12), '12');
  assert.equal(csvCell(-5), '-5', 'numbers are data, not formulas');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvLine([1, 'failed', null, "The 'value' field cannot be null."]), `1,failed,,The 'value' field cannot be null.\r\n`);
});
