/**
 * One measurement in its own process: `node measure.js <mode> <file>`. A fresh process per run
 * means each figure starts from the same clean heap, and the memory peak belongs to this run
 * alone (not to the generator or an earlier run in the parent). Prints one JSON line.
 *
 * Modes: `tokenize` (the baseline), `parse` (the parser with countRecords, whose Sets of distinct
 * keys grow with the file, as an identity check must) and `drain` (the parser alone, records
 * merely counted: what shows whether the parser itself keeps memory flat).
 */
import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { nessusParser } from '../src/parsers/nessus/nessus.parser.js';
import { countRecords, type RecordCounts } from '../src/parsers/support/count-records.js';

export interface Measurement {
  mode: string;
  bytes: number;
  seconds: number;
  /** Resident set size when the run started, after modules loaded: the process's fixed cost. */
  startRss: number;
  peakRss: number;
  peakHeapUsed: number;
  /** The kernel's own peak RSS (getrusage), a cross-check that sampling missed no spike. */
  maxRss: number;
  counts?: RecordCounts;
  elements?: number;
  records?: number;
}

export type Mode = 'tokenize' | 'parse' | 'drain';
const MODES: readonly string[] = ['tokenize', 'parse', 'drain'] satisfies Mode[];

const SAMPLE_MS = 50;

/**
 * Baseline: the least work any saxes-based parser must do — read, decode UTF-8, tokenize with the
 * options the real tokenizer uses. Text handlers are attached on purpose: saxes skips building
 * text strings when nobody listens, and the parser does need them.
 */
async function tokenize(file: string): Promise<number> {
  const sax = new SaxesParser({ xmlns: false, position: true });
  let elements = 0;
  let textChars = 0;
  sax.on('opentag', () => void elements++);
  sax.on('text', (text) => void (textChars += text.length));
  sax.on('cdata', (text) => void (textChars += text.length));
  const decoder = new StringDecoder('utf8');
  for await (const chunk of createReadStream(file)) sax.write(decoder.write(chunk as Buffer));
  sax.write(decoder.end()).close();
  return elements;
}

async function drain(file: string): Promise<number> {
  let records = 0;
  for await (const _record of nessusParser.parse(createReadStream(file))) records++;
  return records;
}

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  if (!MODES.includes(mode ?? '') || !file) throw new Error(`usage: measure.js <${MODES.join('|')}> <file>`);
  (globalThis as { gc?: () => void }).gc?.(); // start from a collected heap when --expose-gc is given

  let peakRss = 0;
  let peakHeapUsed = 0;
  const sample = (): void => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeapUsed = Math.max(peakHeapUsed, heapUsed);
  };
  sample();
  const startRss = peakRss;
  const timer = setInterval(sample, SAMPLE_MS);

  const started = process.hrtime.bigint();
  const result: Partial<Measurement> = {};
  if (mode === 'tokenize') result.elements = await tokenize(file);
  else if (mode === 'parse') result.counts = await countRecords(nessusParser.parse(createReadStream(file)));
  else result.records = await drain(file);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  sample();

  const measurement: Measurement = {
    mode: mode!, bytes: statSync(file).size, seconds, startRss, peakRss, peakHeapUsed,
    maxRss: process.resourceUsage().maxRSS * 1024, ...result,
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
