/**
 * `npm run bench`: Nessus parser throughput and memory, compared with a baseline measured in the
 * same run on the same file (so the figures mean something on any machine).
 *
 *   1. generate a ~BENCH_MB (default 500) MB Nessus file in the temp directory;
 *   2. baseline: saxes tokenizing it, nothing else (MB/s);
 *   3. the Nessus parser over it, counting records (MB/s, ratio to baseline, counts vs expected);
 *   4. peak memory of the parser on that file and on one a quarter its size, to show it stays
 *      flat as the file grows: once for the parser alone, once with countRecords (whose Sets of
 *      distinct keys do grow with the file, as any identity check must).
 *
 * Every measurement runs in its own child process, one after another (nothing in parallel, so a
 * 2-core machine is not oversubscribed). Timings are reported, never asserted; only wrong counts
 * fail the run (exit 1).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordCounts } from '../src/parsers/support/count-records.js';
import { BENCH_SHAPE, generateNessusFile, hostsForSize, type NessusShape } from './generate-nessus.js';
import type { Measurement, Mode } from './measure.js';
import { measureInChild } from './support/measure-child.js';
import { saveResults } from './support/results.js';
import { DEFAULT_BENCH_MB } from './support/figures.js';

const MB = 1024 * 1024;
/** Baseline and parser runs are repeated and the median kept, which shrugs off one noisy run. */
const RUNS = 3;

async function main(): Promise<void> {
  const targetMb = Number(process.env.BENCH_MB ?? DEFAULT_BENCH_MB);
  if (!(targetMb >= 1)) throw new Error(`BENCH_MB must be a number of megabytes >= 1, got "${process.env.BENCH_MB}"`);
  const dir = await mkdtemp(join(tmpdir(), 'intake-bench-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  try {
    const big = await generate(dir, 'big.nessus', targetMb);
    const baseline = await median('tokenize', big.path);
    const parser = await median('parse', big.path);
    const bigDrain = await measure('drain', big.path);
    const bigOk = checkCounts(`${mb(big.bytes)} MB`, parser.counts, big.expected);
    await rm(big.path); // keep at most one large file on disk at a time

    const small = await generate(dir, 'small.nessus', targetMb / 4);
    const smallParse = await measure('parse', small.path);
    const smallDrain = await measure('drain', small.path);
    const smallOk = checkCounts(`${mb(small.bytes)} MB`, smallParse.counts, small.expected);

    report(baseline, parser, { small: smallDrain, big: bigDrain }, { small: smallParse, big: parser });
    saveResults({ tokenize: baseline, parse: parser, drain: { small: smallDrain, big: bigDrain }, counted: { small: smallParse, big: parser }, countsOk: bigOk && smallOk });
    if (!bigOk || !smallOk) process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

async function generate(dir: string, name: string, targetMb: number) {
  const path = join(dir, name);
  const shape: NessusShape = { ...BENCH_SHAPE, hosts: await hostsForSize(targetMb * MB) };
  const started = performance.now();
  const generated = await generateNessusFile(path, shape);
  const seconds = (performance.now() - started) / 1000;
  console.log(`generated ${name}: ${mb(generated.bytes)} MB, ${shape.hosts} hosts × ${shape.itemsPerHost} items in ${seconds.toFixed(1)} s`);
  return { path, ...generated };
}

async function median(mode: Mode, file: string): Promise<Measurement> {
  const runs: Measurement[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(mode, file));
  runs.sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(RUNS / 2)]!;
}

/** One measurement in a fresh process (bench/support/measure-child.ts), printed as it ends. */
async function measure(mode: Mode, file: string): Promise<Measurement> {
  const result = await measureInChild(mode, file);
  console.log(`  ${mode.padEnd(8)} ${mb(result.bytes)} MB in ${result.seconds.toFixed(2)} s = ${rate(result)} MB/s, peak RSS ${mb(result.peakRss)} MB`);
  return result;
}

function checkCounts(label: string, actual: RecordCounts | undefined, expected: RecordCounts): boolean {
  const same = actual !== undefined && (Object.keys(expected) as (keyof RecordCounts)[]).every((k) => actual[k] === expected[k]);
  if (!same) console.error(`COUNT MISMATCH on ${label}: expected ${JSON.stringify(expected)}, parser gave ${JSON.stringify(actual)}`);
  return same;
}

interface SizePair {
  small: Measurement;
  big: Measurement;
}

function report(baseline: Measurement, parser: Measurement, alone: SizePair, counted: SizePair): void {
  const ratio = Number(rate(parser)) / Number(rate(baseline));
  const rows: [string, string][] = [
    [`baseline: saxes tokenize (${mb(baseline.bytes)} MB)`, `${rate(baseline)} MB/s`],
    [`nessus parser + countRecords (${mb(parser.bytes)} MB)`, `${rate(parser)} MB/s`],
    ['parser / baseline', `${(ratio * 100).toFixed(0)} %`],
    ['counts (findings/assets/pairs/evidence)', countsText(parser.counts)],
    ...memoryRows('parser alone', alone),
    ...memoryRows('with countRecords', counted),
    ['RSS at start (node + modules)', `${mb(alone.big.startRss)} MB`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`\nNessus parser benchmark (throughput: median of ${RUNS} runs; Node ${process.version})`);
  for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value}`);
}

/** Peak RSS / heapUsed at both sizes, and how much the RSS peak grew for 4x the bytes. */
function memoryRows(label: string, { small, big }: SizePair): [string, string][] {
  const peaks = (m: Measurement): string => `${mb(m.peakRss)} / ${mb(m.peakHeapUsed)} MB (kernel max RSS ${mb(m.maxRss)})`;
  return [
    [`peak RSS / heap, ${label}, ${mb(small.bytes)} MB`, peaks(small)],
    [`peak RSS / heap, ${label}, ${mb(big.bytes)} MB`, peaks(big)],
    [`peak RSS ratio, ${label}`, `${(big.peakRss / small.peakRss).toFixed(2)} x for ${(big.bytes / small.bytes).toFixed(1)} x the bytes`],
  ];
}

const mb = (bytes: number): string => (bytes / MB).toFixed(1);
const rate = (m: Measurement): string => (m.bytes / MB / m.seconds).toFixed(1);
const countsText = (c: RecordCounts | undefined): string =>
  c ? `${c.findings} / ${c.assets} / ${c.finding_assets} / ${c.evidence}` : 'none';

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
