import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { getParser } from '../parsers/registry.js';
import type { ParsedRecord } from '../parsers/contract.js';
import { ParseError } from '../parsers/parse-error.js';
import { nessusFixtures } from '../parsers/nessus/fixtures/nessus.fixtures.js';
import { SAMPLE_NESSUS } from '../parsers/nessus/fixtures/sample-nessus.js';
import { parseInThread } from './parse-thread.js';
import { dropRepeats } from './repeat-detector.js';

/** A file as a stream of small chunks, as object storage hands it over. */
function chunked(text: string, size = 4096): Readable {
  const bytes = Buffer.from(text);
  return Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));
}

async function collect(records: AsyncIterable<ParsedRecord>): Promise<ParsedRecord[]> {
  const all: ParsedRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

async function largeNessus(hosts: number): Promise<string> {
  let text = '';
  for await (const piece of nessusFixtures.large(hosts)) text += piece;
  return text;
}

test('in a thread, a file gives exactly the records, in the order, that parsing it here gives', async () => {
  const text = await largeNessus(300);
  const here = await collect(dropRepeats(getParser('nessus')!.parse(chunked(text))));
  const there = await collect(parseInThread('nessus', chunked(text)));
  assert.ok(here.length > 2000, `${here.length} records`);
  assert.deepEqual(there, here);
  // Repeated plugin texts were left behind in the thread: fewer findings crossed than items (one
  // link each) were parsed.
  const count = (kind: string) => there.filter((r) => r.kind === kind).length;
  assert.ok(count('finding') < count('link'), `${count('finding')} findings for ${count('link')} items`);
});

test('a parse error in the thread arrives as the same ParseError, with its message and position', async () => {
  const truncated = SAMPLE_NESSUS.slice(0, Math.floor(SAMPLE_NESSUS.length / 2));
  const here = await collect(getParser('nessus')!.parse(chunked(truncated))).then(
    () => assert.fail('parsing a truncated file here succeeded'),
    (error: unknown) => error as ParseError,
  );
  await assert.rejects(collect(parseInThread('nessus', chunked(truncated))), (error: unknown) => {
    assert.ok(error instanceof ParseError, String(error));
    assert.equal(error.code, 'PARSE_ERROR');
    assert.equal(error.message, here.message);
    assert.deepEqual(error.position, here.position);
    return true;
  });
});

test('a failing input stream fails the parse with its own error', async () => {
  async function* broken(): AsyncGenerator<Buffer> {
    yield Buffer.from(SAMPLE_NESSUS.slice(0, 2000));
    throw new Error('storage connection reset');
  }
  await assert.rejects(collect(parseInThread('nessus', broken())), /storage connection reset/);
});

test('a consumer that stops early ends the thread and closes the input', async () => {
  const text = await largeNessus(2000);
  let closed = false;
  async function* input(): AsyncGenerator<Buffer> {
    try {
      yield* chunked(text);
    } finally {
      closed = true;
    }
  }
  let seen = 0;
  for await (const record of parseInThread('nessus', input())) {
    void record;
    if (++seen === 10) break;
  }
  assert.equal(seen, 10);
  assert.equal(closed, true);
});
