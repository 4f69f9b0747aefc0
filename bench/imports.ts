/**
 * End-to-end benchmarks of file imports through the public API, on the embedded PostgreSQL and on
 * the machine's PostgreSQL (INTAKE_TEST_DATABASE_URL; skipped when unset), real processes on
 * loopback, every baseline measured in the same run:
 *
 *   1. import of a BENCH_MB (default 500, issue 8's sizes) MB Nessus file, preuploaded-import → IMPORT COMPLETE,
 *      against saxes merely tokenizing the same file (median of 3, in a fresh process), with the CPU
 *      seconds the worker and PostgreSQL spent on it (their sum / CPUs: the least wall time it allows here);
 *   2. worker peak RSS importing a BENCH_MB/5 and a 2×BENCH_MB file, each on a fresh worker;
 *   3. presigned PUT of the 2×BENCH_MB file: MB/s and the API's peak RSS;
 *   4. GET /api/v2/my-imports p50/p99 idle, with 4 CPU busy loops at the workers' niceness and at 0 (the
 *      scheduler's own floor, no import), then while 4 imports of BENCH_MB/5 run at once;
 *   5. 4 imports of BENCH_MB/5 with 1 worker process vs 2 (INTAKE_WORKER_CONCURRENCY=1);
 *   7. a Burp file (BENCH_MB/5, base64 evidence), and CSV Accounts connector builds of BENCH_MB×200 and
 *      BENCH_MB×50 accounts (3 privileges each), each on a fresh worker: rows/s and the worker's peak RSS.
 *
 *   npm run build && node dist/bench/imports.js     (BENCH_MB, BENCH_MODES=embedded,server,
 *                                                    BENCH_LATENCY_REQUESTS to change the run)
 *
 * Generated files live in one temp directory and every process is stopped, whatever happens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { BENCH_SHAPE, generateNessusFile, hostsForSize } from './generate-nessus.js';
import { generateBurpFile, writeBurp, type BurpShape } from './generate-burp.js';
import { generateConnectorCsv, type GeneratedConnectorCsv } from './generate-connector-csv.js';
import { Site, benchModes, type DatabaseMode, type Deployment } from './support/deployment.js';
import { DEFAULT_BENCH_MB, MB, mb } from './support/figures.js';
import { connectorBuild, importBatch, problems, responsiveness, timedImport, timedUpload, type InputFile } from './support/import-phases.js';
import { uploadFile } from './support/import-flow.js';
import { medianInChild, measureInChild } from './support/measure-child.js';
import { TextSink } from './support/text-sink.js';
import { saveResults, type ImportBenchResults, type ModeFigures } from './support/results.js';
import { printModeFigures } from './support/print-imports.js';

const BENCH_MB = Number(process.env.BENCH_MB ?? DEFAULT_BENCH_MB);
if (!(BENCH_MB >= 1)) throw new Error(`BENCH_MB must be a number of megabytes >= 1, got "${process.env.BENCH_MB}"`);
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 300);
const CONCURRENT_IMPORTS = 4;
const BURP_SHAPE: Omit<BurpShape, 'issues'> = { hosts: 400, issueTypes: 150, responseBytes: 6000, seed: 7 };

interface Inputs {
  e2e: InputFile;
  small: InputFile;
  big: InputFile;
  burp: InputFile;
  connector: { small: GeneratedConnectorCsv; big: GeneratedConnectorCsv };
}

async function generateInputs(dir: string): Promise<Inputs> {
  const nessus = async (name: string, megabytes: number): Promise<InputFile> => {
    const path = join(dir, name);
    const started = performance.now();
    const generated = await generateNessusFile(path, { ...BENCH_SHAPE, hosts: await hostsForSize(megabytes * MB) });
    console.log(`generated ${name}: ${mb(generated.bytes)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { path, name, bytes: generated.bytes, expected: generated.expected };
  };
  const burpPath = join(dir, 'bench.burp.xml');
  const burp = await generateBurpFile(burpPath, { ...BURP_SHAPE, issues: await burpIssuesForSize((BENCH_MB / 5) * MB) });
  console.log(`generated bench.burp.xml: ${mb(burp.bytes)} MB`);
  const connectorCsv = async (name: string, accounts: number): Promise<GeneratedConnectorCsv> => {
    const csv = await generateConnectorCsv(join(dir, `${name}-employees.csv`), join(dir, `${name}-privileges.csv`), { accounts, privilegesPerAccount: 3 });
    console.log(`generated connector CSV (${name}): ${csv.expected.rowsRead} rows, ${mb(csv.employees.bytes + csv.privileges.bytes)} MB`);
    return csv;
  };
  // Two sizes, 1:4, for the build's memory: flat means the big build's peak is about the small one's.
  const connector = { small: await connectorCsv('small', Math.round(BENCH_MB * 50)), big: await connectorCsv('big', Math.round(BENCH_MB * 200)) };
  return {
    small: await nessus('small.nessus', BENCH_MB / 5),
    e2e: await nessus('e2e.nessus', BENCH_MB),
    big: await nessus('big.nessus', BENCH_MB * 2),
    burp: { path: burpPath, name: 'bench.burp.xml', bytes: burp.bytes, expected: burp.expected },
    connector,
  };
}

/** Issues that make a Burp file of about `bytes` (200 issues rendered into a byte counter). */
async function burpIssuesForSize(bytes: number): Promise<number> {
  const sink = new TextSink(new Writable({ write: (_chunk, _encoding, done) => done() }));
  await writeBurp(sink, { ...BURP_SHAPE, issues: 200 });
  return Math.max(1, Math.round(bytes / (sink.bytes / 200)));
}

async function measureMode(mode: DatabaseMode, inputs: Inputs): Promise<ModeFigures> {
  const site = await Site.create(mode);
  stopOnSignal = () => site.destroy();
  try {
    const one = { workers: 1, concurrency: 1 };
    let d: Deployment = await site.start(one);
    console.log(`\n[${mode}] memory: ${mb(inputs.small.bytes)} MB import on a fresh worker`);
    const memorySmall = await timedImport(d, inputs.small, await uploadFile(d.admin, inputs.small.path, inputs.small.name), 'nessus');
    console.log(`[${mode}] upload: presigned PUT of ${mb(inputs.big.bytes)} MB`);
    const upload = await timedUpload(d, inputs.big);

    d = await site.start(one);
    console.log(`[${mode}] memory: ${mb(inputs.big.bytes)} MB import on a fresh worker`);
    const memoryBig = await timedImport(d, inputs.big, upload.uploaded, 'nessus');

    console.log(`[${mode}] speed: saxes tokenize (3 runs), then the ${mb(inputs.e2e.bytes)} MB import`);
    const tokenize = await medianInChild('tokenize', inputs.e2e.path, 3);
    const e2e = await timedImport(d, inputs.e2e, await uploadFile(d.admin, inputs.e2e.path, inputs.e2e.name), 'nessus');

    console.log(`[${mode}] scale-out: ${CONCURRENT_IMPORTS} imports, 1 worker process`);
    const scaleOne = await importBatch(d, inputs.small, CONCURRENT_IMPORTS);
    d = await site.start({ workers: 2, concurrency: 1 });
    console.log(`[${mode}] scale-out: ${CONCURRENT_IMPORTS} imports, 2 worker processes`);
    const scaleTwo = await importBatch(d, inputs.small, CONCURRENT_IMPORTS);

    d = await site.start({ workers: 2, concurrency: 2 });
    console.log(`[${mode}] responsiveness: ${LATENCY_REQUESTS} requests idle, then with ${CONCURRENT_IMPORTS} imports running`);
    const latency = await responsiveness(d, inputs.small, CONCURRENT_IMPORTS, LATENCY_REQUESTS);

    d = await site.start(one);
    console.log(`[${mode}] other formats: Burp ${mb(inputs.burp.bytes)} MB`);
    const burpTokenize = await measureInChild('tokenize', inputs.burp.path);
    const burp = await timedImport(d, inputs.burp, await uploadFile(d.admin, inputs.burp.path, inputs.burp.name), 'burp');
    const connector = { small: await freshConnectorBuild(site, inputs.connector.small), big: await freshConnectorBuild(site, inputs.connector.big) };

    const figures: ModeFigures = {
      mode,
      e2e: { ...e2e, tokenizeMs: tokenize.median.seconds * 1000, tokenizeRunsMs: tokenize.seconds.map((s) => s * 1000) },
      memory: { small: memorySmall, big: memoryBig },
      upload: { bytes: upload.bytes, ms: upload.ms, apiStartRss: upload.apiStartRss, apiPeakRss: upload.apiPeakRss },
      responsiveness: latency,
      scaleOut: { one: scaleOne, two: scaleTwo },
      burp: { ...burp, tokenizeMs: burpTokenize.seconds * 1000 },
      connector,
    };
    printModeFigures(figures);
    return figures;
  } finally {
    await site.destroy();
    stopOnSignal = undefined;
  }
}

/** A connector build on a freshly started worker, so its peak RSS is this build's alone. */
async function freshConnectorBuild(site: Site, csv: GeneratedConnectorCsv) {
  const d = await site.start({ workers: 1, concurrency: 1 });
  console.log(`[${site.mode}] connector: CSV Accounts build of ${csv.expected.rowsRead} rows on a fresh worker`);
  return connectorBuild(d, csv);
}

let stopOnSignal: (() => Promise<void>) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping Intake and removing temporary files`);
    void Promise.resolve(stopOnSignal?.())
      .then(() => rm(workDir, { recursive: true, force: true }))
      .finally(() => process.exit(130));
  });
}

const workDir = await mkdtemp(join(tmpdir(), 'intake-bench-files-'));
try {
  const modes = benchModes();
  const inputs = await generateInputs(workDir);
  const results: ImportBenchResults = {
    benchMb: BENCH_MB,
    sizes: { e2e: inputs.e2e.bytes, small: inputs.small.bytes, big: inputs.big.bytes, burp: inputs.burp.bytes, connectorRows: { small: inputs.connector.small.expected.rowsRead, big: inputs.connector.big.expected.rowsRead } },
    latencyRequests: LATENCY_REQUESTS,
    modes: [],
    problems,
  };
  for (const mode of modes) results.modes.push(await measureMode(mode, inputs));
  saveResults(results);
  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}
