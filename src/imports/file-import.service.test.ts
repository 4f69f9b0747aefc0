import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isSafeKey } from '../storage/object-store.js';
import { safeFileName } from './file-import.service.js';

describe('safeFileName', () => {
  test('ordinary names are kept', () => {
    for (const name of ['scan.nessus', 'Burp Export (2).xml', 'assets_2024-01-01.csv', 'report+final@v2.json']) {
      assert.equal(safeFileName(name), name);
    }
  });

  test('directories are stripped, with either slash', () => {
    assert.equal(safeFileName('/home/ana/scans/scan.nessus'), 'scan.nessus');
    assert.equal(safeFileName('C:\\Users\\ana\\scan.nessus'), 'scan.nessus');
  });

  test('traversal is stripped', () => {
    assert.equal(safeFileName('../../etc/passwd'), 'passwd');
    assert.equal(safeFileName('..\\..\\windows\\win.ini'), 'win.ini');
  });

  test('control characters are removed', () => {
    assert.equal(safeFileName('sc\u0000an\r\n.xml\u007f'), 'scan.xml');
  });

  test('other unsafe characters become underscores', () => {
    assert.equal(safeFileName('a:b*c?"<>|.xml'), 'a_b_c_____.xml');
    assert.equal(safeFileName('100%.csv'), '100_.csv');
  });

  test('surrounding spaces are trimmed and the name is capped at 200 characters', () => {
    assert.equal(safeFileName('  scan.xml  '), 'scan.xml');
    assert.equal(safeFileName(`${'a'.repeat(300)}.xml`).length, 200);
  });

  test('never returns an empty, "." or ".." name', () => {
    for (const name of ['', '   ', '.', '..', ' .. ', '../..', 'dir/', 'a/b/..', '\u0000\u0001', '\\', '/']) {
      const result = safeFileName(name);
      assert.ok(result !== '' && result !== '.' && result !== '..', `${JSON.stringify(name)} -> ${JSON.stringify(result)}`);
      assert.equal(result, 'upload', JSON.stringify(name));
    }
  });

  test('its result always makes a safe key', () => {
    for (const name of ['scan.nessus', '../../x', '..', 'a\u0000b', 'C:\\a\\b.xml', 'x'.repeat(1000), 'résumé.csv']) {
      assert.ok(isSafeKey(`cabc123/${safeFileName(name)}`), JSON.stringify(name));
    }
  });
});
