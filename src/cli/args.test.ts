import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commaList, expectPositionals, parseCommandLine, positiveInteger, stringOption } from './args.js';
import { UsageError } from './errors.js';
import { parseFilePairs } from './app-import.command.js';

const IMPORT_OPTIONS = { client: { type: 'string' }, report: { type: 'string' }, wait: { type: 'boolean' } } as const;

test('options, positionals and the common --json/--help are parsed in any order', () => {
  const parsed = parseCommandLine('import', ['--client', '3', 'scan.nessus', '--wait', '--report=12', '--json'], IMPORT_OPTIONS);
  assert.deepEqual(parsed.positionals, ['scan.nessus']);
  assert.equal(parsed.values.client, '3');
  assert.equal(parsed.values.report, '12');
  assert.equal(parsed.values.wait, true);
  assert.equal(parsed.json, true);
  assert.equal(parsed.help, false);
  assert.equal(parseCommandLine('import', ['-h'], IMPORT_OPTIONS).help, true);
});

test('an unknown option or a missing value is a usage error (exit 2) naming the command', () => {
  for (const args of [['--bogus'], ['--client'], ['-x']]) {
    assert.throws(
      () => parseCommandLine('import', args, IMPORT_OPTIONS),
      (error: unknown) => error instanceof UsageError && error.exitCode === 2 && error.command === 'import',
      args.join(' '),
    );
  }
});

test('required and empty string options', () => {
  const parsed = parseCommandLine('import', ['--client', ' 7 ', '--report', ''], IMPORT_OPTIONS);
  assert.equal(stringOption('import', parsed, 'client', true), '7');
  assert.throws(() => stringOption('import', parsed, 'report'), /--report needs a value/);
  assert.throws(() => stringOption('import', parseCommandLine('import', [], IMPORT_OPTIONS), 'client', true), /--client is required/);
  assert.equal(stringOption('import', parseCommandLine('import', [], IMPORT_OPTIONS), 'client'), undefined);
});

test('ids must be positive integers', () => {
  assert.equal(positiveInteger('import', '--client', '42'), 42);
  for (const bad of ['0', '-1', '1.5', 'abc', '', '99999999999999999999']) {
    assert.throws(() => positiveInteger('import', '--client', bad), /--client must be a positive integer; found/, bad);
  }
});

test('comma lists drop blanks and spaces', () => {
  assert.deepEqual(commaList('a, b,,c ,'), ['a', 'b', 'c']);
  assert.deepEqual(commaList(undefined), []);
  assert.deepEqual(commaList(''), []);
});

test('positional counts: too few and too many say what was expected and found', () => {
  const parsed = (args: string[]) => parseCommandLine('bulk', args, {});
  assert.deepEqual(expectPositionals('bulk', parsed(['clients', 'a.json']), ['OBJECTS', 'FILE.json']), ['clients', 'a.json']);
  assert.throws(() => expectPositionals('bulk', parsed(['clients']), ['OBJECTS', 'FILE.json']), /expected OBJECTS FILE.json; found "clients"/);
  assert.throws(() => expectPositionals('bulk', parsed(['a', 'b', 'c']), ['OBJECTS', 'FILE.json']), /found "a" "b" "c"/);
  assert.throws(() => expectPositionals('imports', parsed([]), ['FILE']), /found nothing/);
  assert.equal(expectPositionals('app-import', parsed(['app', 'g=f', 'h=k']), ['APP', 'PAIR'], { rest: 'PAIR' }).length, 3);
});

test('GROUP_ID=FILE pairs split at the first "=", refuse malformed and repeated groups', () => {
  assert.deepEqual(parseFilePairs(['g1=a.csv', 'g2=dir/x=y.csv']), [
    { group: 'g1', path: 'a.csv' },
    { group: 'g2', path: 'dir/x=y.csv' },
  ]);
  for (const bad of ['a.csv', '=a.csv', 'g1=']) assert.throws(() => parseFilePairs([bad]), /expected GROUP_ID=FILE/, bad);
  assert.throws(() => parseFilePairs(['G1=a.csv', 'g1=b.csv']), /file group g1 is given twice/);
});
