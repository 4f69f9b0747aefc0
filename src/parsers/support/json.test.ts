import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ParseError } from '../parse-error.js';
import { jsonLayoutOf, jsonPick, jsonRecords, type JsonPickOptions, type JsonPicked } from './json.js';
import { byteChunks, collect } from './testing.js';

const source = (text: string): Readable => Readable.from([Buffer.from(text)]);
const values = (picked: JsonPicked[]): unknown[] => picked.map((p) => p.value);

async function fails(run: AsyncIterable<unknown>, message: RegExp): Promise<ParseError> {
  try {
    await collect(run);
  } catch (err) {
    assert.ok(err instanceof ParseError, `expected a ParseError, got ${String(err)}`);
    assert.match(err.message, message);
    return err;
  }
  assert.fail('expected a ParseError');
}

const ARRAY = '[\n  {"id": 1, "name": "caf\u00e9 \u2713 \ud83c\udf6e"},\n  {"id": 2, "tags": ["a", "b"], "n": -1.5e3, "ok": true, "none": null}\n]\n';
const LINES = '{"id":1,"s":"\\u00e9\\n"}\n\n{"id":2}\r\n   \n{"id":3}';

test('jsonRecords yields each element of a top-level array with its number and line', async () => {
  const records = await collect(jsonRecords(source(ARRAY), { expected: 'a test file' }));
  assert.deepEqual(values(records), [
    { id: 1, name: 'café ✓ 🍮' },
    { id: 2, tags: ['a', 'b'], n: -1500, ok: true, none: null },
  ]);
  assert.deepEqual(records.map((r) => [r.record, r.line, r.path]), [[1, 2, [0]], [2, 3, [1]]]);
});

test('jsonRecords reads JSON Lines, skipping blank lines (CRLF too)', async () => {
  const records = await collect(jsonRecords(source(LINES), { expected: 'a test file' }));
  assert.deepEqual(values(records), [{ id: 1, s: 'é\n' }, { id: 2 }, { id: 3 }]);
  assert.deepEqual(records.map((r) => [r.record, r.line]), [[1, 1], [2, 3], [3, 5]]);
});

test('records are the same whatever the chunk size (1 and 7 bytes split multi-byte characters)', async () => {
  for (const text of [ARRAY, LINES]) {
    const whole = values(await collect(jsonRecords(source(text), { expected: 'x' })));
    for (const size of [1, 7]) {
      assert.deepEqual(values(await collect(jsonRecords(byteChunks(text, size), { expected: 'x' }))), whole, `chunk size ${size}`);
    }
  }
});

const SARIF_LIKE = JSON.stringify({
  version: '2.1.0',
  runs: [
    { tool: { driver: { name: 'A', rules: [{ id: 'R1' }, { id: 'R2' }] } }, results: [{ ruleId: 'R1' }], big: 'x'.repeat(5000) },
    { results: [{ ruleId: 'R2' }, { ruleId: 'R3', nested: { deep: [1, { '*': 2 }] } }], tool: { driver: { name: 'B' } } },
  ],
}, null, 1);
const PICK = { expected: 'a SARIF log', root: 'object', maxTokenChars: 200 } satisfies JsonPickOptions;
const PATTERNS = [['version'], ['runs', '*', 'results', '*'], ['runs', '*', 'tool', 'driver', 'rules', '*']];

test('jsonPick yields only the values at the given paths, in document order, skipping big unpicked values', async () => {
  const picked = await collect(jsonPick(source(SARIF_LIKE), PATTERNS, PICK));
  assert.deepEqual(picked.map((p) => [p.pattern, p.path, p.value]), [
    [0, ['version'], '2.1.0'],
    [2, ['runs', 0, 'tool', 'driver', 'rules', 0], { id: 'R1' }],
    [2, ['runs', 0, 'tool', 'driver', 'rules', 1], { id: 'R2' }],
    [1, ['runs', 0, 'results', 0], { ruleId: 'R1' }],
    [1, ['runs', 1, 'results', 0], { ruleId: 'R2' }],
    [1, ['runs', 1, 'results', 1], { ruleId: 'R3', nested: { deep: [1, { '*': 2 }] } }],
  ]);
  for (const size of [1, 7]) {
    assert.deepEqual(await collect(jsonPick(byteChunks(SARIF_LIKE, size), PATTERNS, PICK)), picked, `chunk size ${size}`);
  }
});

test('jsonPick checks the kind of the top-level value', async () => {
  const err = await fails(jsonPick(source('[{"version":"2.1.0"}]'), PATTERNS, PICK), /expected a SARIF log \(a JSON object\), found a JSON array/);
  assert.equal(err.position.line, 1);
});

test('malformed JSON names the record, its path and the line', async () => {
  const broken = '[\n {"id": 1},\n {"id": 2,\n  "name" "x"}\n]';
  const err = await fails(jsonRecords(source(broken), { expected: 'x' }), /malformed JSON: expected ':' near "\\"name\\" \\"x\\"}", in record 2 \(\[1\]\)/);
  assert.equal(err.position.line, 4);
  assert.equal(err.position.record, 2);
  await fails(jsonRecords(source('{"a":1}\n{"a":2}\n{"a":3,,}\n'), { expected: 'x' }), /malformed JSON: expected an object key .* in record 3 \(at line 3, column 1\)/);
  await fails(jsonRecords(source('[{"a":1}\n{"a":2}]'), { expected: 'x' }), /expected ',' .*after record 1, inside the top-level array \(at line 2/);
  await fails(jsonRecords(source('["a\u0001b", "more text"]'), { expected: 'x' }), /a control character or an invalid escape sequence inside a string/);
});

test('a truncated file is reported as an unexpected end of file in the record being read', async () => {
  const err = await fails(jsonRecords(source(ARRAY.slice(0, ARRAY.indexOf('"ok"'))), { expected: 'x' }),
    /unexpected end of file: .*truncated.* in record 2 \(\[1\]\)/);
  assert.equal(err.position.line, 3);
  await fails(jsonRecords(source('[{"a":1}'), { expected: 'x' }), /unexpected end of file.*after record 1, inside the top-level array/);
  await fails(jsonPick(source(SARIF_LIKE.slice(0, 40)), PATTERNS, PICK), /unexpected end of file/);
});

test('an empty file fails unless the caller allows it', async () => {
  await fails(jsonRecords(source(''), { expected: 'a Nuclei export' }), /empty file: expected a Nuclei export, found no JSON value/);
  await fails(jsonRecords(source(' \n\t\n'), { expected: 'x' }), /empty file/);
  assert.deepEqual(await collect(jsonRecords(source(''), { expected: 'x', allowEmpty: true })), []);
  assert.deepEqual(await collect(jsonRecords(source('\uFEFF\n'), { expected: 'x', allowEmpty: true })), []);
  assert.deepEqual(await collect(jsonRecords(source('[]'), { expected: 'x' })), []);
});

test('a file that is not JSON says what was expected and what it starts with', async () => {
  await fails(jsonRecords(source('<?xml version="1.0"?>\n<issues/>'), { expected: 'a Nuclei export' }),
    /expected a Nuclei export, but the file is not JSON \(it starts with "<\?xml version=\\"1.0\\"\?>"\)/);
  await fails(jsonRecords(source('host,port'), { expected: 'x' }), /not JSON/);
});

test('data after a top-level array is rejected', async () => {
  await fails(jsonRecords(source('[1]\n[2]'), { expected: 'x' }), /more data after the end of the top-level value/);
  await fails(jsonRecords(source('[1] x'), { expected: 'x' }), /malformed JSON/);
});

test('a record larger than maxTokenChars fails; the same text in a skipped value does not count', async () => {
  const big = `[{"a":"${'y'.repeat(300)}"}]`;
  const err = await fails(jsonRecords(source(big), { expected: 'x', maxTokenChars: 100 }), /record 1 \(\[0\]\) is larger than the limit of 100 characters/);
  assert.equal(err.position.record, 1);
  const picked = await collect(jsonPick(source(`{"skip":"${'y'.repeat(300)}","keep":[1]}`), [['keep']], { expected: 'x', maxTokenChars: 100 }));
  assert.deepEqual(values(picked), [[1]]);
});

test('nesting deeper than maxDepth fails fast', async () => {
  await fails(jsonRecords(source(`${'['.repeat(20)}${']'.repeat(20)}`), { expected: 'x', maxDepth: 10 }), /nested deeper than the limit of 10 levels/);
});

test('a "__proto__" key is kept as data and never changes the prototype', async () => {
  const [record] = values(await collect(jsonRecords(source('{"__proto__":{"polluted":true}}'), { expected: 'x' })));
  assert.equal(Object.getPrototypeOf(record), Object.prototype);
  assert.deepEqual(Object.keys(record as object), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('jsonLayoutOf tells an array, JSON Lines, a pretty object, empty and non-JSON apart', () => {
  assert.equal(jsonLayoutOf('\uFEFF  [\n {"a":1}'), 'array');
  assert.equal(jsonLayoutOf('{"a":1}\n{"a":2}\n'), 'lines');
  assert.equal(jsonLayoutOf('{"a":1}'), 'lines');
  assert.equal(jsonLayoutOf('{\n  "version": "2.1.0"'), 'object');
  assert.equal(jsonLayoutOf(' \n'), 'empty');
  assert.equal(jsonLayoutOf('<?xml version="1.0"?>'), 'not-json');
});

test('in a very long line the error column is the start of the 4096-character slice, whatever the chunking', async () => {
  const element = `{"k":"${'v'.repeat(90)}"}`;
  const line = `[${Array.from({ length: 100 }, () => element).join(',')} oops]`;
  const column = line.indexOf('oops') + 1;
  const expectedColumn = column - ((column - 1) % 4096);
  for (const input of [source(line), byteChunks(line, 7), byteChunks(line, 1000)]) {
    const err = await fails(jsonRecords(input, { expected: 'x' }), /malformed JSON: expected ','/);
    assert.deepEqual([err.position.line, err.position.column], [1, expectedColumn]);
  }
});
