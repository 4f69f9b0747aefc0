import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseParser, unrecognisedFileMessage } from './choose-parser.js';
import { SAMPLE_BURP } from '../parsers/burp/fixtures/sample-burp.js';
import { SAMPLE_NESSUS } from '../parsers/nessus/fixtures/sample-nessus.js';

test('auto picks the parser that recognises the head', () => {
  assert.equal(chooseParser('auto', SAMPLE_BURP.slice(0, 8192)).parser.source, 'burp');
  assert.equal(chooseParser('auto', SAMPLE_NESSUS.slice(0, 8192)).parser.source, 'nessus');
});

test('auto fails with FORMAT_UNKNOWN saying what the file looks like', () => {
  assert.throws(() => chooseParser('auto', '{"a": 1}'), { code: 'FORMAT_UNKNOWN', message: /looks like JSON with keys "a"/ });
});

test("a named source whose file is another tool's fails with FORMAT_MISMATCH naming both", () => {
  assert.throws(() => chooseParser('nessus', SAMPLE_BURP.slice(0, 8192)), {
    code: 'FORMAT_MISMATCH',
    message: /expected Tenable Nessus .*source "nessus".*looks like Burp Suite .*source "burp"/,
  });
});

test('a named source that nothing recognises is still tried, and its errors describe the file', () => {
  const choice = chooseParser('burp', 'garbage');
  assert.equal(choice.parser.source, 'burp');
  assert.equal(choice.recognised, false);
  assert.match(unrecognisedFileMessage(choice.parser, 'garbage', 'malformed XML (at line 1, column 1)'), /expected Burp Suite .* looks like text starting "garbage": malformed XML/);
  assert.equal(chooseParser('burp', SAMPLE_BURP).recognised, true);
});

test('unknown sources are SOURCE_UNKNOWN', () => {
  assert.throws(() => chooseParser('nope', ''), { code: 'SOURCE_UNKNOWN' });
});
