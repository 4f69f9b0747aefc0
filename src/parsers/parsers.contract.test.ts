/**
 * The parser contract, checked the same way for every registered parser (each must list its fixtures
 * in all-fixtures.ts):
 * - its own samples give the counts they document, and the same records in 1-byte chunks;
 * - every finding of its samples has one of the five severities, and (unless the format has no
 *   severity of its own) its samples' findings keep the tool's raw value as toolSeverity;
 * - an empty file gives zero records or a ParseError (the subtest's name says which);
 * - a truncated file (the largest sample cut in the middle of the line holding its midpoint, so a
 *   line-based format is not cut on a record boundary) is a ParseError;
 * - another parser's sample is a ParseError and is not claimed by sniff (unless all-fixtures.ts
 *   lists the pair as indistinguishable, with the reason);
 * - a generated file of about 30 MiB streams in bounded memory: records are consumed without being
 *   kept, and the live heap (after a forced collection every few thousand records) never grows
 *   by more than half the file size, nor by 200 MiB. A parser that builds a DOM, or holds the
 *   file as one string or its chunks as Buffers, needs at least the file size and fails.
 * No test may hang: each has a timeout.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Parser } from './contract.js';
import type { ParserFixtures } from './fixtures.js';
import { ParseError } from './parse-error.js';
import { allFixtures, indistinguishableFormats } from './all-fixtures.js';
import { getParser, listSources } from './registry.js';
import { countRecords } from './support/count-records.js';
import { byteChunks, collect } from './support/testing.js';

const MiB = 1024 * 1024;
const LARGE_FILE_BYTES = 30 * MiB;
const MAX_HEAP_GROWTH = 200 * MiB;
/** Records between two heap samples. */
const SAMPLE_EVERY = 5_000;
/** The large file reaches the parser in pieces of this size, as a file stream would deliver it. */
const PIECE_BYTES = 64 * 1024;
const QUICK = { timeout: 20_000 };
const SEVERITIES: readonly string[] = ['Critical', 'High', 'Medium', 'Low', 'Informational'];
/** Formats that carry no severity of their own, so no finding can keep one (toolSeverity), with the reason. */
const FORMATS_WITHOUT_SEVERITY: Readonly<Record<string, string>> = { nikto: 'Nikto assigns no severity to its items' };

// The contract covers every registered parser: one registered without fixtures would escape it.
test('every registered parser has fixtures in all-fixtures.ts, and only registered ones do', () => {
  assert.deepEqual(allFixtures.map((fixtures) => fixtures.source).sort(), [...listSources()].sort());
});

for (const fixtures of allFixtures) {
  const { source } = fixtures;
  const parser = getParser(source);

  describe(`parser contract: ${source}`, () => {
    test('is registered under its source name', () => {
      assert.ok(parser, `parser "${source}" is not registered in src/parsers/registry.ts (getParser('${source}') returned undefined)`);
      assert.equal(parser.source, source);
    });
    if (!parser) return; // every other check would only repeat that failure

    for (const sample of fixtures.samples) {
      test(`sample ${sample.name}: counts match the documented ones`, QUICK, async () => {
        assert.deepEqual(await countRecords(parser.parse(wholeFile(sample.content))), sample.expected);
      });
      test(`sample ${sample.name}: every finding has one of the five severities`, QUICK, async () => {
        for (const record of await collect(parser.parse(wholeFile(sample.content)))) {
          if (record.kind === 'finding') assert.ok(SEVERITIES.includes(record.data.severity), `finding ${record.key}: severity "${record.data.severity}"`);
        }
      });
      test(`sample ${sample.name}: 1-byte chunks give the same records as the whole file`, QUICK, async () => {
        const whole = await collect(parser.parse(wholeFile(sample.content)));
        assert.deepEqual(await collect(parser.parse(byteChunks(sample.content, 1))), whole);
      });
    }

    const noRawSeverity = FORMATS_WITHOUT_SEVERITY[source];
    if (noRawSeverity === undefined) {
      test("the tool's own severity is kept (toolSeverity) on the findings of its samples", QUICK, async () => {
        const findings = [];
        for (const sample of fixtures.samples) {
          for (const record of await collect(parser.parse(wholeFile(sample.content)))) if (record.kind === 'finding') findings.push(record);
        }
        assert.ok(findings.length > 0, 'the samples have no finding');
        assert.ok(findings.some((f) => f.data.toolSeverity?.trim()), 'no finding of the samples keeps the raw severity in toolSeverity');
      });
    }

    test('empty file: zero records or a ParseError, never a crash or a hang', QUICK, async (t) => {
      for (const [label, chunks] of [['no chunk at all', []], ['one empty chunk', [Buffer.alloc(0)]]] as const) {
        const outcome = await outcomeOf(parser, chunks);
        await t.test(`${label} → ${describeOutcome(outcome)}`, () => {
          assert.notEqual(outcome.kind, 'crash', describeOutcome(outcome));
          if (outcome.kind === 'records') assert.equal(outcome.count, 0);
        });
      }
    });

    const largest = largestSample(fixtures);
    if (largest) {
      const cut = truncated(largest.content);
      const size = `${Buffer.byteLength(cut)} of ${Buffer.byteLength(largest.content)} bytes`;
      test(`truncated file: ${largest.name} cut in the middle of a line (${size}) → ParseError`, QUICK, async () => {
        const outcome = await outcomeOf(parser, [Buffer.from(cut)]);
        assert.equal(outcome.kind, 'parse-error', `expected a ParseError, got ${describeOutcome(outcome)}`);
      });
    }

    for (const other of allFixtures) {
      const sample = largestSample(other);
      if (other.source === source || !sample) continue;
      const overlap = indistinguishableFormats.find((entry) => entry.source === source && entry.other === other.source);
      if (overlap) {
        test(`another format, ${other.source} sample ${sample.name}: cannot be told apart (${overlap.reason}); no crash`, QUICK, async () => {
          assert.notEqual((await outcomeOf(parser, [Buffer.from(sample.content)])).kind, 'crash');
        });
        continue;
      }
      test(`another format, ${other.source} sample ${sample.name} → ParseError, and sniff does not claim it`, QUICK, async () => {
        const outcome = await outcomeOf(parser, [Buffer.from(sample.content)]);
        assert.equal(outcome.kind, 'parse-error', `expected a ParseError, got ${describeOutcome(outcome)}`);
        assert.equal(parser.sniff(sample.content.slice(0, 4096)), false, `${source}.sniff claims a ${other.source} file`);
      });
    }

    test(`a generated file of about ${LARGE_FILE_BYTES / MiB} MiB streams in bounded memory`, { timeout: 180_000 }, async (t) => {
      const result = await parseLargeFile(parser, fixtures);
      const bound = Math.min(MAX_HEAP_GROWTH, result.bytes / 2);
      t.diagnostic(`${result.units} units, ${(result.bytes / MiB).toFixed(1)} MiB, ${result.records} records in ${result.seconds.toFixed(1)} s; ` +
        `heap growth ${(result.growth / MiB).toFixed(1)} MiB (bound ${(bound / MiB).toFixed(1)} MiB${result.collected ? '' : ', no forced GC available'})`);
      assert.ok(result.exhausted, 'the parser stopped before reading the whole file');
      assert.ok(result.records >= result.units / 2, `only ${result.records} records for ${result.units} units`);
      // Without forced collections the figure includes garbage: only the 200 MiB bound then applies.
      assert.ok(result.growth < (result.collected ? bound : MAX_HEAP_GROWTH), `heap grew by ${(result.growth / MiB).toFixed(1)} MiB`);
    });
  });
}

type Outcome =
  | { kind: 'records'; count: number }
  | { kind: 'parse-error'; error: ParseError }
  | { kind: 'crash'; error: unknown };

async function outcomeOf(parser: Parser, chunks: readonly Buffer[]): Promise<Outcome> {
  let count = 0;
  try {
    for await (const _record of parser.parse(toAsync(chunks))) count += 1;
    return { kind: 'records', count };
  } catch (error) {
    return error instanceof ParseError ? { kind: 'parse-error', error } : { kind: 'crash', error };
  }
}

function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'records') return outcome.count === 0 ? 'zero records' : `${outcome.count} records`;
  if (outcome.kind === 'parse-error') return `ParseError: ${outcome.error.message}`;
  return `a crash: ${outcome.error instanceof Error ? outcome.error.stack : String(outcome.error)}`;
}

async function* toAsync(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

function wholeFile(text: string): AsyncGenerator<Buffer> {
  return toAsync([Buffer.from(text, 'utf8')]);
}

function largestSample(fixtures: ParserFixtures): ParserFixtures['samples'][number] | undefined {
  return [...fixtures.samples].sort((a, b) => Buffer.byteLength(b.content) - Buffer.byteLength(a.content))[0];
}

/**
 * The text up to the middle of the line holding its midpoint (the next line with some content if
 * that one is blank), never splitting a surrogate pair.
 */
function truncated(text: string): string {
  let lineStart = text.lastIndexOf('\n', Math.max(0, Math.floor(text.length / 2) - 1)) + 1;
  for (;;) {
    const found = text.indexOf('\n', lineStart);
    const lineEnd = found === -1 ? text.length : found;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (line.trim().length >= 2 || lineEnd === text.length) {
      let cut = lineStart + Math.floor(line.length / 2);
      const before = text.charCodeAt(cut - 1);
      if (before >= 0xd800 && before <= 0xdbff) cut -= 1;
      return text.slice(0, cut);
    }
    lineStart = lineEnd + 1;
  }
}

interface LargeFileResult {
  units: number;
  bytes: number;
  records: number;
  seconds: number;
  /** Highest live heap (heapUsed + arrayBuffers) seen, minus the one at the start. */
  growth: number;
  collected: boolean;
  exhausted: boolean;
}

async function parseLargeFile(parser: Parser, fixtures: ParserFixtures): Promise<LargeFileResult> {
  const probeUnits = 100;
  let probeBytes = 0;
  for await (const text of fixtures.large(probeUnits)) probeBytes += Buffer.byteLength(text);
  assert.ok(probeBytes > 0, 'large() produced nothing');
  const units = Math.max(1, Math.round((probeUnits * LARGE_FILE_BYTES) / probeBytes));

  let bytes = 0;
  let exhausted = false;
  async function* file(): AsyncGenerator<Buffer> {
    for await (const piece of pieces(fixtures.large(units))) {
      bytes += piece.length;
      yield piece;
    }
    exhausted = true;
  }

  const collect = garbageCollector();
  collect?.();
  const start = liveHeap();
  let peak = start;
  let records = 0;
  const started = process.hrtime.bigint();
  for await (const _record of parser.parse(file())) {
    records += 1;
    if (records % SAMPLE_EVERY === 0) {
      collect?.();
      peak = Math.max(peak, liveHeap());
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { units, bytes, records, seconds, growth: peak - start, collected: collect !== undefined, exhausted };
}

/** Generated text regrouped into Buffers of about PIECE_BYTES. */
async function* pieces(texts: AsyncIterable<string>): AsyncGenerator<Buffer> {
  let pending: string[] = [];
  let size = 0;
  for await (const text of texts) {
    pending.push(text);
    size += text.length;
    if (size >= PIECE_BYTES) {
      yield Buffer.from(pending.join(''), 'utf8');
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) yield Buffer.from(pending.join(''), 'utf8');
}

function liveHeap(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** V8's collector, exposed at run time (the test runner does not pass --expose-gc). */
function garbageCollector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}
