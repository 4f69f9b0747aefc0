import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { ParseOptions } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { CsvReader, detectDelimiter, headerCells, type CsvHeader } from './csv.js';
import { byteChunks } from './testing.js';

interface Table {
  header: CsvHeader;
  rows: [record: number, line: number, cells: readonly string[]][];
}

async function read(input: string | AsyncIterable<Buffer>, options?: ParseOptions): Promise<Table> {
  const csv = new CsvReader(typeof input === 'string' ? Readable.from([Buffer.from(input)]) : input, options);
  try {
    const header = await csv.header();
    const rows: Table['rows'] = [];
    for await (const row of csv.rows()) rows.push([row.record, row.line, row.cells]);
    return { header, rows };
  } finally {
    await csv.close();
  }
}

async function fails(text: string, message: RegExp, options?: ParseOptions): Promise<ParseError> {
  try {
    await read(text, options);
  } catch (err) {
    assert.ok(err instanceof ParseError, `expected a ParseError, got ${String(err)}`);
    assert.match(err.message, message);
    return err;
  }
  assert.fail('expected a ParseError');
}

test('reads rows keyed by the header, with their record and line numbers', async () => {
  const csv = new CsvReader(Readable.from([Buffer.from('Title,Severity\nXSS,High\nSQLi,Critical\n')]));
  assert.deepEqual(await csv.header(), { columns: ['Title', 'Severity'], delimiter: ',', line: 1 });
  const rows = [];
  for await (const row of csv.rows()) rows.push({ ...row, values: { ...row.values } });
  assert.deepEqual(rows, [
    { record: 1, line: 2, cells: ['XSS', 'High'], values: { Title: 'XSS', Severity: 'High' } },
    { record: 2, line: 3, cells: ['SQLi', 'Critical'], values: { Title: 'SQLi', Severity: 'Critical' } },
  ]);
});

test('strips a UTF-8 BOM and detects ; or tab from the header line', async () => {
  assert.deepEqual((await read('\uFEFFa;b;"c,d"\n1;2;3')).header.columns, ['a', 'b', 'c,d']);
  assert.equal((await read('\uFEFFa;b;"c,d"\n1;2;3')).header.delimiter, ';');
  assert.deepEqual((await read('a\tb\tc, d\n1\t2\t3')).rows, [[1, 2, ['1', '2', '3']]]);
  assert.equal(detectDelimiter('one column'), ',');
  assert.equal(detectDelimiter('"a;b;c",d'), ',', 'delimiters inside quotes do not count');
});

test('honours an Excel sep= line', async () => {
  const { header, rows } = await read('sep=|\r\na|b\r\n1|2\r\n');
  assert.deepEqual(header, { columns: ['a', 'b'], delimiter: '|', line: 2 });
  assert.deepEqual(rows, [[1, 3, ['1', '2']]]);
});

test('quoted fields keep delimiters, doubled quotes and line breaks; lines count CRLF once', async () => {
  const text = 'a,b\r\n"x, y","say ""hi"""\r\n"multi\r\nline\nfield",z\r\n\r\nlast,row';
  assert.deepEqual((await read(text)).rows, [
    [1, 2, ['x, y', 'say "hi"']],
    [2, 3, ['multi\r\nline\nfield', 'z']],
    [3, 7, ['last', 'row']],
  ]);
});

test('accepts LF, CRLF and CR line ends, mixed, and skips blank lines', async () => {
  const { header, rows } = await read('\n\na,b\r\n1,2\n3,4\r5,6\n\n');
  assert.equal(header.line, 3);
  assert.deepEqual(rows, [[1, 4, ['1', '2']], [2, 5, ['3', '4']], [3, 6, ['5', '6']]]);
});

test('gives the same rows whatever the chunk size, multi-byte characters and CRLF split included', async () => {
  const text = '\uFEFFtitle;note\r\n"Résumé ✓";"🔒\r\nnaïve"\r\nplain;"a;b"\r\n';
  const whole = await read(text);
  for (const size of [1, 2, 3, 7]) assert.deepEqual(await read(byteChunks(text, size)), whole, `chunk size ${size}`);
  assert.deepEqual(whole.rows[0], [1, 2, ['Résumé ✓', '🔒\r\nnaïve']]);
});

test('names blank and repeated header columns apart', async () => {
  assert.deepEqual((await read('a, ,a,a\n1,2,3,4')).header.columns, ['a', 'column 2', 'a (2)', 'a (3)']);
});

test('a header alone gives no rows; an empty or blank file is a ParseError', async () => {
  assert.deepEqual((await read('a,b,c\r\n')).rows, []);
  for (const text of ['', '\uFEFF', '\r\n\n  \n']) {
    const err = await fails(text, /^the file is empty: expected a CSV header row/);
    assert.equal(err.position.line, 1);
  }
});

test('a row with another field count fails with its row and line', async () => {
  const err = await fails('a,b,c\n1,2,3\n\n"4\n4",5\n', /^inconsistent column count: row 2 has 2 fields, the header has 3 \(at line 4, column 1\)$/);
  assert.deepEqual(err.position, { line: 4, column: 1, record: 2 });
});

test('a quoted field still open at the end of the file (unbalanced quotes, truncation) fails', async () => {
  const err = await fails('a,b\n1,2\n3,"unfinished\nmore', /^unbalanced quotes: a quoted field of row 2 is still open at the end of the file/);
  assert.deepEqual(err.position, { line: 3, column: 1, record: 2 });
});

test('a stray quote inside an unquoted field is kept as text', async () => {
  assert.deepEqual((await read('a,b\n5" screen,ok\n')).rows, [[1, 2, ['5" screen', 'ok']]]);
});

test('rows longer than maxTokenChars fail; so does a first line without end', async () => {
  await fails(`a,b\n1,${'x'.repeat(100)}\n`, /^row 1 is longer than the limit of 50 characters \(ParseOptions.maxTokenChars\) \(at line 2/, { maxTokenChars: 50 });
  await fails('x'.repeat(100), /^the first line is longer than 50 characters: expected a CSV header row/, { maxTokenChars: 50 });
});

test('rows before an error are all handed out first, whatever the chunking', async () => {
  const text = 'a,b\n1,2\n3,4\n5\n';
  for (const size of [1, 1024]) {
    const seen: number[] = [];
    const csv = new CsvReader(byteChunks(text, size));
    await assert.rejects(async () => {
      for await (const row of csv.rows()) seen.push(row.record);
    }, /row 3 has 1 fields/);
    assert.deepEqual(seen, [1, 2], `chunk size ${size}`);
  }
});

test('closing early releases the input stream', async () => {
  const stream = Readable.from([Buffer.from('a,b\n1,2\n'), Buffer.from('3,4\n')]);
  const csv = new CsvReader(stream);
  for await (const row of csv.rows()) {
    assert.equal(row.record, 1);
    break;
  }
  await csv.close();
  assert.ok(stream.destroyed);
});

test('headerCells splits the first non-blank line of a head for sniffing', () => {
  assert.deepEqual(headerCells('\uFEFF\r\nTitle;Severity;"Ho;st"\r\nx;y;z'), ['Title', 'Severity', 'Ho;st']);
  assert.deepEqual(headerCells('sep=;\na;b\n'), ['a', 'b']);
  assert.deepEqual(headerCells('a,"b ""q""",c'), ['a', 'b "q"', 'c']);
  assert.equal(headerCells(' \n\n'), undefined);
});
