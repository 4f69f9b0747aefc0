/**
 * The figures section of docs/PERFORMANCE.md, rendered from one run's results and written between
 * two marker comments; the rest of the document (method, what limits it now) is left as it is.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpuWorkFigures, mb, mbPerSecond, rowsPerSecond, seconds } from './figures.js';
import type { LoadSummary, Machine } from './machine.js';
import type { BulkResults, ImportBenchResults, ModeFigures, ParserResults } from './results.js';
import { verdictText, type TargetRow } from './targets.js';
import type { ConnectorBuild, TimedImport } from './import-phases.js';

export const BEGIN = '<!-- BEGIN FIGURES: written by `npm run bench` (bench/all.ts); edits here are overwritten -->';
export const END = '<!-- END FIGURES -->';

export interface RunRecord {
  startedAt: Date;
  durationMs: number;
  benchMb: number;
  machine: Machine;
  load: LoadSummary;
  parser?: ParserResults;
  imports?: ImportBenchResults;
  bulk?: BulkResults;
  targets: TargetRow[];
  failures: string[];
}

const MODE_TITLE: Record<string, string> = { embedded: 'embedded PostgreSQL', server: "machine's PostgreSQL" };

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const rate = (bytes: number, ms: number): string => `${seconds(ms)} s = ${mbPerSecond(bytes, ms).toFixed(1)} MB/s`;
const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
const ms1 = (value: number): string => `${value.toFixed(1)} ms`;
const stages = (t: TimedImport): string => (t.worker ? `${seconds(t.worker.stageMs)} s / ${seconds(t.worker.commitMs)} s` : 'not logged');

/** A table with one column per database mode; `cell` renders one mode's figure for a row. */
function perMode(modes: ModeFigures[], rows: [string, (f: ModeFigures) => string][]): string {
  return table(['', ...modes.map((f) => MODE_TITLE[f.mode] ?? f.mode)], rows.map(([label, cell]) => [label, ...modes.map(cell)]));
}

export function renderFigures(run: RunRecord): string {
  const { machine: m, load, imports } = run;
  const modes = imports?.modes ?? [];
  const out: string[] = [BEGIN, '', '## Figures', ''];
  out.push(
    `Measured ${run.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} by \`npm run bench\` with BENCH_MB=${run.benchMb}; the benchmarks took ` +
      `${(run.durationMs / 60_000).toFixed(1)} min after the build. Machine: ${m.cpus} CPUs (${m.cpuModel}), ${gib(m.memoryBytes)} memory ` +
      `(${gib(m.freeMemoryBytes)} free at the start), Node ${m.node}, ${m.postgres}.`,
    '',
    `Load during the run (1-minute load average sampled every 5 s, the benchmarks' own processes included): min ${load.min.toFixed(2)}, ` +
      `mean ${load.mean.toFixed(2)}, max ${load.max.toFixed(2)} on ${m.cpus} CPUs; the busiest processes at the start are listed at the ` +
      "end of this section. Other engineers' test suites share this machine at times, so absolute times are noisy; each figure is " +
      'set against a baseline measured in the same run, and the ratios are what count.',
    '',
  );
  if (run.benchMb < 500) out.push(`Sizes are scaled down from the issue's: BENCH_MB=${run.benchMb} instead of 500 (see "Sizes" above).`, '');
  if (run.failures.length) out.push('**Problems in this run** (figures may be incomplete):', '', ...run.failures.map((f) => `- ${f}`), '');

  out.push('### Against the targets', '');
  const modeNames = [...new Set(run.targets.flatMap((t) => Object.keys(t.verdicts)))];
  out.push(table(['#', 'target', ...modeNames.map((n) => MODE_TITLE[n] ?? n)], run.targets.map((t) => [t.id, t.target, ...modeNames.map((n) => verdictText(t.verdicts[n]))])), '');

  if (imports && modes.length) out.push(...importSections(imports, modes, m.cpus));
  if (run.bulk) out.push(...bulkSection(run.bulk));
  if (imports && modes.length) out.push(...otherFormatsSection(imports, modes));
  if (run.parser) out.push(...parserSection(run.parser));
  out.push('### Machine at the start of the run', '', '```', load.atStart, '```', '', END);
  return out.join('\n');
}

function importSections(imports: ImportBenchResults, modes: ModeFigures[], cpuCount: number): string[] {
  const s = imports.sizes;
  return [
    `### 1. Import speed against tokenizing (${mb(s.e2e)} MB Nessus)`,
    '',
    'From the preuploaded-import request to IMPORT COMPLETE seen by polling (the upload is not timed); the worker logs how long ' +
      'it staged (read, parse, insert into staging tables) and committed (merge into the live tables). Baseline: saxes merely ' +
      'tokenizing the same file in a fresh process, median of 3, just before the import. CPU work: the CPU seconds ' +
      '(utime + stime from /proc, polled every 500 ms; backends that exit meanwhile count through the time their parent ' +
      'reaped) the worker process and ' +
      'PostgreSQL used over the same interval — embedded: the postgres processes `intake serve` started; machine\'s ' +
      'PostgreSQL: its postmaster and all its processes, so anything else using that server meanwhile counts too. That ' +
      `work divided by the ${cpuCount} CPUs is the least wall time any schedule of it could take here.`,
    '',
    perMode(modes, [
      ['import, request → complete', (f) => rate(f.e2e.bytes, f.e2e.ms)],
      ['worker: stage / commit', (f) => stages(f.e2e)],
      ['CPUs busy during the import (whole machine)', (f) => `${f.e2e.busyCpus.toFixed(2)} of ${cpuCount}`],
      ['baseline: saxes tokenize (runs)', (f) => `${rate(f.e2e.bytes, f.e2e.tokenizeMs)} (${f.e2e.tokenizeRunsMs.map((v) => seconds(v)).join(', ')} s)`],
      ['import / tokenize time', (f) => `${(f.e2e.ms / f.e2e.tokenizeMs).toFixed(2)}×`],
      ['CPU work of the import: worker + PostgreSQL', (f) => cpuWorkFigures(f.e2e.cpu, f.e2e.tokenizeMs).work],
      [`least wall time that work allows (CPU work / ${cpuCount})`, (f) => cpuWorkFigures(f.e2e.cpu, f.e2e.tokenizeMs).floor],
      ['busiest single thread of the worker', (f) => cpuWorkFigures(f.e2e.cpu, f.e2e.tokenizeMs).thread],
      ['API process meanwhile (answering the polls; not counted)', (f) => `${f.e2e.cpu.apiSeconds.toFixed(1)} s`],
    ]),
    '',
    `### 2. Worker memory (${mb(s.small)} MB and ${mb(s.big)} MB Nessus)`,
    '',
    'Peak RSS of the one worker process (VmHWM, reset through /proc/<pid>/clear_refs just before the import, and VmRSS polled ' +
      'every 50 ms), each import on a freshly started worker.',
    '',
    perMode(modes, [
      ['worker RSS idle, before', (f) => `${mb(f.memory.small.workerStartRss)} MB`],
      [`peak, ${mb(s.small)} MB file`, (f) => `${mb(f.memory.small.workerPeakRss)} MB (${rate(f.memory.small.bytes, f.memory.small.ms)})`],
      [`peak, ${mb(s.big)} MB file`, (f) => `${mb(f.memory.big.workerPeakRss)} MB (${rate(f.memory.big.bytes, f.memory.big.ms)}; stage / commit ${stages(f.memory.big)})`],
      ['big / small', (f) => `${(f.memory.big.workerPeakRss / f.memory.small.workerPeakRss).toFixed(2)}×`],
    ]),
    '',
    `### 3. Presigned upload (${mb(s.big)} MB)`,
    '',
    'A PUT to the presigned URL (embedded local storage: the API itself receives it and streams it to disk), the file streamed ' +
      'from disk by node:http with its Content-Length; the API process\'s RSS before and its peak during the PUT.',
    '',
    perMode(modes, [
      ['PUT', (f) => `${seconds(f.upload.ms)} s = ${mbPerSecond(f.upload.bytes, f.upload.ms).toFixed(0)} MB/s`],
      ['API RSS before / peak', (f) => `${mb(f.upload.apiStartRss)} / ${mb(f.upload.apiPeakRss)} MB`],
    ]),
    '',
    `### 4. Responsiveness (${imports.latencyRequests} requests each)`,
    '',
    'GET /api/v2/my-imports, one request at a time with 10 ms between, over loopback: first with no import running, then while ' +
      `4 imports of ${mb(s.small)} MB run at once (2 worker processes × INTAKE_WORKER_CONCURRENCY=2); a loaded sample counts only ` +
      'when the list it returned shows all 4 PROCESSING. Between the two, the same sample as the idle one while 4 plain CPU ' +
      'busy loops (child processes that only spin) run at the workers\' niceness, then at niceness 0: no import and no ' +
      'database work, so its ratio to idle is what the scheduler alone costs a request when both CPUs are taken.',
    '',
    perMode(modes, [
      ['idle p50 / p99', (f) => `${ms1(f.responsiveness.idle.p50)} / ${ms1(f.responsiveness.idle.p99)}`],
      ...busyLoopRows(modes),
      ['4 imports running p50 / p99 (max)', (f) => `${ms1(f.responsiveness.loaded.p50)} / ${ms1(f.responsiveness.loaded.p99)} (${ms1(f.responsiveness.loaded.max)}), ${f.responsiveness.loaded.requests} samples`],
      ['p99 loaded / idle', (f) => `${(f.responsiveness.loaded.p99 / f.responsiveness.idle.p99).toFixed(2)}×`],
      ['CPUs busy while loaded (whole machine)', (f) => `${f.responsiveness.loadedBusyCpus.toFixed(2)} of ${cpuCount}`],
    ]),
    '',
    `### 5. Scale-out (4 imports of ${mb(s.small)} MB)`,
    '',
    'Four imports started together, each into its own client and report; time from the first request to the last import ' +
      'complete, with 1 worker process and with 2 (INTAKE_WORKER_CONCURRENCY=1 in both). CPUs busy: the whole machine\'s, ' +
      'from /proc/stat over the same interval (PostgreSQL and the API count too, and so does anything else running).',
    '',
    perMode(modes, [
      ['1 worker process (CPUs busy, whole machine)', (f) => `${seconds(f.scaleOut.one.ms)} s (${f.scaleOut.one.busyCpus.toFixed(2)} of ${cpuCount} CPUs)`],
      ['2 worker processes (CPUs busy)', (f) => `${seconds(f.scaleOut.two.ms)} s (${f.scaleOut.two.busyCpus.toFixed(2)} of ${cpuCount} CPUs)`],
      ['speed-up', (f) => `${(f.scaleOut.one.ms / f.scaleOut.two.ms).toFixed(2)}×`],
      ['most a second worker could give here (CPUs / CPUs busy with 1)', (f) => `${(cpuCount / f.scaleOut.one.busyCpus).toFixed(2)}×`],
    ]),
    '',
  ];
}

function otherFormatsSection(imports: ImportBenchResults, modes: ModeFigures[]): string[] {
  const s = imports.sizes;
  const { small, big } = s.connectorRows;
  return [
    '### 7. Other formats',
    '',
    `A Burp issues export of ${mb(s.burp)} MB (base64 request/response evidence), against saxes tokenizing it.`,
    '',
    perMode(modes, [
      ['Burp import, request → complete', (f) => `${rate(f.burp.bytes, f.burp.ms)}; stage / commit ${stages(f.burp)}`],
      ['Burp: saxes tokenize / import / tokenize', (f) => `${seconds(f.burp.tokenizeMs)} s / ${(f.burp.ms / f.burp.tokenizeMs).toFixed(1)}×`],
      ['Burp: worker peak RSS', (f) => `${mb(f.burp.workerPeakRss)} MB`],
    ]),
    '',
    `CSV Accounts connector builds of ${small} and ${big} rows (employees and privileges files in one multipart upload), each on a ` +
      'freshly started worker: the upload request to 201, then 201 to Finished seen by polling (rows read per second of that), ' +
      "and the worker's peak RSS from before the upload to Finished (VmHWM reset through /proc/<pid>/clear_refs, and VmRSS polled " +
      'every 50 ms). Flat memory means the big / small ratio stays near 1.',
    '',
    perMode(modes, [
      ['worker RSS idle, before', (f) => `${mb(f.connector.small.workerStartRss)} MB`],
      [`${small} rows: upload / build`, (f) => connectorTimes(f.connector.small)],
      [`${big} rows: upload / build`, (f) => connectorTimes(f.connector.big)],
      [`worker peak, ${small} / ${big} rows`, (f) => `${mb(f.connector.small.workerPeakRss)} / ${mb(f.connector.big.workerPeakRss)} MB`],
      ['big / small peak', (f) => `${(f.connector.big.workerPeakRss / f.connector.small.workerPeakRss).toFixed(2)}×`],
    ]),
    '',
  ];
}

/** One row per busy-loop sample (the same niceness values in every mode). */
function busyLoopRows(modes: ModeFigures[]): [string, (f: ModeFigures) => string][] {
  const samples = modes[0]?.responsiveness.busyLoops ?? [];
  return samples.map((sample, i): [string, (f: ModeFigures) => string] => [
    `${sample.loops} busy loops at nice ${sample.nice}, no import: p50 / p99 (max); p99 / idle`,
    (f) => {
      const b = f.responsiveness.busyLoops[i];
      return b ? `${ms1(b.latency.p50)} / ${ms1(b.latency.p99)} (${ms1(b.latency.max)}); ${(b.latency.p99 / f.responsiveness.idle.p99).toFixed(2)}×` : 'not measured';
    },
  ]);
}

const connectorTimes = (c: ConnectorBuild): string => `${seconds(c.uploadMs)} s / ${seconds(c.buildMs)} s = ${rowsPerSecond(c.rows, c.buildMs)} rows/s`;

function bulkSection(bulk: BulkResults): string[] {
  return [
    `### 6. Bulk (${bulk.objects} objects)`,
    '',
    'A bulk job from the request to Completed (polled every 50 ms, which also shows how long it waited in the queue), against ' +
      'the same clients created one request at a time.',
    '',
    table(
      ['', ...bulk.modes.map((r) => MODE_TITLE[r.mode] ?? r.mode)],
      [
        ['clients, bulk job request → Completed', ...bulk.modes.map((r) => `${r.bulkMs.toFixed(0)} ms`)],
        ['  of which Pending (queue pickup) / running', ...bulk.modes.map((r) => `${r.pendingMs.toFixed(0)} ms / ${r.runningMs.toFixed(0)} ms`)],
        ['baseline: one POST /api/v1/client/create each', ...bulk.modes.map((r) => `${r.oneByOneMs.toFixed(0)} ms`)],
        ['findings with assets, bulk job', ...bulk.modes.map((r) => `${r.findingsMs.toFixed(0)} ms`)],
      ],
    ),
    '',
  ];
}

function parserSection(p: ParserResults): string[] {
  const speed = (x: { bytes: number; seconds: number }) => `${(x.bytes / 1024 ** 2 / x.seconds).toFixed(1)} MB/s`;
  return [
    `### The parser alone (bench/run.ts, ${mb(p.parse.bytes)} MB, no database)`,
    '',
    table(['', 'figure'], [
      ['saxes tokenize (median of 3)', speed(p.tokenize)],
      ['Nessus parser + countRecords (median of 3)', `${speed(p.parse)} = ${((p.tokenize.seconds / p.parse.seconds) * 100).toFixed(0)} % of tokenize`],
      [`peak RSS, parser alone, ${mb(p.drain.small.bytes)} / ${mb(p.drain.big.bytes)} MB`, `${mb(p.drain.small.peakRss)} / ${mb(p.drain.big.peakRss)} MB`],
      ['counts as the generator expects', p.countsOk ? 'yes' : '**no**'],
    ]),
    '',
  ];
}

/** Replaces the section between the markers (or appends it) in the document at `path`. */
export async function writeFiguresSection(path: string, section: string, skeleton: string): Promise<void> {
  let doc: string;
  try {
    doc = await readFile(path, 'utf8');
  } catch {
    doc = skeleton;
  }
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  doc = begin >= 0 && end > begin ? doc.slice(0, begin) + section + doc.slice(end + END.length) : `${doc.trimEnd()}\n\n${section}\n`;
  await writeFile(path, doc);
}
