/**
 * The measured steps of bench/imports.ts, each against a running deployment: one import timed
 * end to end with its worker's peak memory, a presigned upload with the API's peak memory,
 * several imports at once (scale-out), API latency while imports run, and a connector build with
 * its worker's peak memory.
 */
import { openAsBlob } from 'node:fs';
import type { RecordCounts } from '../../src/parsers/support/count-records.js';
import type { ApiClient } from '../../test/helpers/api-client.js';
import { sleep } from '../../test/helpers/ports.js';
import type { Deployment } from './deployment.js';
import { percentile } from './figures.js';
import {
  importTimeoutMs, newTarget, sameCounts, startImport, uploadFile, waitForImport, waitForImports, workerTimings,
  type Uploaded, type WorkerTimings,
} from './import-flow.js';
import { PeakRss } from './process-memory.js';
import { CpuUsage } from './cpu-usage.js';
import { CpuWorkWatch, type CpuWork } from './process-cpu.js';
import { BusyLoops } from './busy-loops.js';
import { loadConfig } from '../../src/config/config.js';
import type { ConnectorExpected, GeneratedConnectorCsv } from '../generate-connector-csv.js';

export interface InputFile {
  path: string;
  name: string;
  bytes: number;
  expected: RecordCounts;
}

export interface TimedImport {
  bytes: number;
  /** preuploaded-import request → IMPORT COMPLETE seen by polling. */
  ms: number;
  worker?: WorkerTimings;
  workerStartRss: number;
  workerPeakRss: number;
  /** CPUs the whole machine kept busy during the import (worker, PostgreSQL, API, anything else). */
  busyCpus: number;
  /** CPU seconds of the workers, their busiest thread and PostgreSQL over the same interval. */
  cpu: CpuWork;
  countsOk: boolean;
}

/** Problems that make the run's figures suspect (wrong counts, failed imports): printed, exit 1. */
export const problems: string[] = [];

function check(label: string, status: string, error: string | null, counts: RecordCounts, expected: RecordCounts): boolean {
  if (status !== 'IMPORT COMPLETE') problems.push(`${label}: ended ${status}: ${error}`);
  else if (!sameCounts(counts, expected)) problems.push(`${label}: counts ${JSON.stringify(counts)}, expected ${JSON.stringify(expected)}`);
  else return true;
  return false;
}

/**
 * Imports an uploaded file into a new client and report with one worker sampled: the time from the
 * preuploaded-import request to IMPORT COMPLETE, and the worker's peak RSS meanwhile.
 */
export async function timedImport(d: Deployment, file: InputFile, uploaded: Uploaded, source: string): Promise<TimedImport> {
  const target = await newTarget(d.admin, `bench ${file.name} ${Date.now()}`);
  const memory = new PeakRss(d.workerPids[0]!);
  const cpu = new CpuUsage();
  const work = new CpuWorkWatch(d);
  const started = performance.now();
  const id = await startImport(d.admin, target, uploaded, source);
  const result = await waitForImport(d.admin, id, importTimeoutMs(file.bytes));
  const cpuWork = work.stop();
  const ms = result.endedAt - started;
  const workerPeakRss = memory.stop();
  const busyCpus = cpu.busyCpus();
  return {
    bytes: file.bytes,
    ms,
    worker: workerTimings(d.logs(), id),
    workerStartRss: memory.startRss,
    workerPeakRss,
    busyCpus,
    cpu: cpuWork,
    countsOk: check(`${d.mode} ${file.name}`, result.status, result.error, result.counts, file.expected),
  };
}

export interface TimedUpload {
  bytes: number;
  ms: number;
  apiStartRss: number;
  apiPeakRss: number;
  uploaded: Uploaded;
}

/** A presigned PUT of the file, with the API process's peak RSS during it. */
export async function timedUpload(d: Deployment, file: InputFile): Promise<TimedUpload> {
  const memory = new PeakRss(d.apiPid);
  const uploaded = await uploadFile(d.admin, file.path, file.name);
  const apiPeakRss = memory.stop();
  return { bytes: uploaded.bytes, ms: uploaded.ms, apiStartRss: memory.startRss, apiPeakRss, uploaded };
}

export interface Batch {
  imports: number;
  bytesEach: number;
  /** First preuploaded-import request → the last import seen complete. */
  ms: number;
  /** CPUs the whole machine kept busy meanwhile (of os.cpus().length). */
  busyCpus: number;
}

/** Uploads `count` copies (not timed), each for its own client and report; returns starters. */
async function prepareBatch(d: Deployment, file: InputFile, count: number) {
  const prepared = [];
  for (let i = 0; i < count; i++) {
    const target = await newTarget(d.admin, `bench batch ${i} ${Date.now()}`);
    prepared.push({ target, uploaded: await uploadFile(d.admin, file.path, file.name) });
  }
  return prepared;
}

/** `count` imports of the file started together; the time until all are complete. */
export async function importBatch(d: Deployment, file: InputFile, count: number): Promise<Batch> {
  const prepared = await prepareBatch(d, file, count);
  const cpu = new CpuUsage();
  const started = performance.now();
  const ids = [];
  for (const p of prepared) ids.push(await startImport(d.admin, p.target, p.uploaded, 'nessus'));
  const results = await waitForImports(d.admin, ids, importTimeoutMs(file.bytes * count));
  results.forEach((r, i) => check(`${d.mode} batch import ${i + 1}`, r.status, r.error, r.counts, file.expected));
  const busyCpus = cpu.busyCpus();
  return { imports: count, bytesEach: file.bytes, ms: Math.max(...results.map((r) => r.endedAt)) - started, busyCpus };
}

export interface LatencyFigures {
  requests: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * A sample taken like the idle one while `loops` plain CPU busy loops run at niceness `nice`: no
 * import, no database work, only the scheduler giving the API a CPU back from niced spinning.
 */
export interface BusyLoopSample {
  loops: number;
  nice: number;
  latency: LatencyFigures;
  /** CPUs the whole machine kept busy meanwhile. */
  busyCpus: number;
}

export interface Responsiveness {
  idle: LatencyFigures;
  /** Scheduler floors: at the workers' niceness, then at 0. */
  busyLoops: BusyLoopSample[];
  loaded: LatencyFigures;
  importsRunning: number;
  bytesEach: number;
  /** CPUs the whole machine kept busy while the loaded samples were taken. */
  loadedBusyCpus: number;
}

/** Sequential requests, one at a time, with a pause between them, as a dashboard polling would. */
const LATENCY_GAP_MS = 10;

/** One GET /api/v2/my-imports: its time to the last byte, and the list it returned. */
async function timedList(api: ApiClient): Promise<{ ms: number; list: { key: string; status: string }[] }> {
  const started = performance.now();
  const res = await fetch(`${api.baseUrl}/api/v2/my-imports`, { headers: { authorization: api.token! } });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`GET /api/v2/my-imports answered ${res.status}: ${text.slice(0, 300)}`);
  return { ms, list: JSON.parse(text) };
}

function latencyFigures(samples: number[]): LatencyFigures {
  return { requests: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: Math.max(...samples) };
}

/** `requests` requests one after another, LATENCY_GAP_MS apart: the idle sample and the busy-loop ones. */
async function sequentialSample(api: ApiClient, requests: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) {
    samples.push((await timedList(api)).ms);
    await sleep(LATENCY_GAP_MS);
  }
  return samples;
}

/** The workers' niceness (INTAKE_WORKER_NICE's default: the deployments leave it unset). */
const WORKER_NICE = loadConfig({}).workerNice;

/** A sequential sample while `loops` busy loops at niceness `nice` take the CPUs; the loops are stopped whatever happens. */
async function busyLoopSample(api: ApiClient, requests: number, loops: number, nice: number): Promise<BusyLoopSample> {
  const spinning = await BusyLoops.start(loops, nice);
  try {
    const cpu = new CpuUsage();
    const samples = await sequentialSample(api, requests);
    return { loops, nice, latency: latencyFigures(samples), busyCpus: cpu.busyCpus() };
  } finally {
    await spinning.stop();
  }
}

/**
 * p50/p99 of GET /api/v2/my-imports idle; then, the same way, while `count` CPU busy loops run at
 * the workers' niceness and again at niceness 0 (the scheduler's own floor, no import running);
 * then while `count` imports of the file run at once. A loaded sample counts only when the list it
 * returned shows all of them PROCESSING; sampling stops after `requests` such samples or when an
 * import ends (bounded either way).
 */
export async function responsiveness(d: Deployment, file: InputFile, count: number, requests: number): Promise<Responsiveness> {
  const prepared = await prepareBatch(d, file, count);
  const idle = await sequentialSample(d.admin, requests);
  const busyLoops: BusyLoopSample[] = [];
  for (const nice of [...new Set([WORKER_NICE, 0])]) busyLoops.push(await busyLoopSample(d.admin, requests, count, nice));

  const ids: string[] = [];
  for (const p of prepared) ids.push(await startImport(d.admin, p.target, p.uploaded, 'nessus'));
  const loaded: number[] = [];
  const deadline = Date.now() + importTimeoutMs(file.bytes * count);
  let cpu: CpuUsage | undefined;
  let loadedBusyCpus = Number.NaN;
  while (loaded.length < requests && Date.now() < deadline) {
    const { ms, list } = await timedList(d.admin);
    const ours = list.filter((row) => ids.includes(row.key));
    const running = ours.filter((row) => row.status === 'PROCESSING').length;
    if (running === count) {
      cpu ??= new CpuUsage();
      loaded.push(ms);
    } else if (cpu) break; // one has ended: the load is no longer what we measure
    await sleep(LATENCY_GAP_MS);
  }
  if (cpu) loadedBusyCpus = cpu.busyCpus();
  const results = await waitForImports(d.admin, ids, importTimeoutMs(file.bytes * count));
  results.forEach((r, i) => check(`${d.mode} loaded import ${i + 1}`, r.status, r.error, r.counts, file.expected));
  if (loaded.length === 0) problems.push(`${d.mode}: the ${count} imports never ran at the same time; no loaded latency`);
  return { idle: latencyFigures(idle), busyLoops, loaded: latencyFigures(loaded.length ? loaded : [Number.NaN]), importsRunning: count, bytesEach: file.bytes, loadedBusyCpus };
}

export interface ConnectorBuild {
  bytes: number;
  rows: number;
  /** The multipart upload request (files streamed to storage) → 201. */
  uploadMs: number;
  /** 201 → Finished. */
  buildMs: number;
  /** The worker's RSS just before the upload, and its peak until the build finished. */
  workerStartRss: number;
  workerPeakRss: number;
  metricsOk: boolean;
}

const CSV_ACCOUNTS = 'a1b2c3d4-0000-0000-0000-000000000000';
const EMPLOYEE_FILE = 'a1b2c3d4-0000-0000-0000-000000000001';
const PRIVILEGES_FILE = 'a1b2c3d4-0000-0000-0000-000000000002';

/**
 * Spec 3: both CSV files of the CSV Accounts connector in one multipart upload, then the build,
 * with the one worker's peak RSS from before the upload (it idles meanwhile) to Finished.
 */
export async function connectorBuild(d: Deployment, csv: GeneratedConnectorCsv): Promise<ConnectorBuild> {
  const api = d.admin;
  const application = await api.ok<{ id: string }>('POST', '/api/applications', { name: `bench HR ${Date.now()}`, connectorId: CSV_ACCOUNTS });
  const form = new FormData();
  form.append('applicationId', application.id);
  form.append(EMPLOYEE_FILE, await openAsBlob(csv.employees.path), 'employees.csv');
  form.append(PRIVILEGES_FILE, await openAsBlob(csv.privileges.path), 'privileges.csv');
  const memory = new PeakRss(d.workerPids[0]!);
  const started = performance.now();
  const res = await api.request('POST', '/api/application-imports/upload', form);
  const uploaded = performance.now();
  if (res.status !== 201) throw new Error(`connector upload answered ${res.status}: ${res.text.slice(0, 300)}`);
  const bytes = csv.employees.bytes + csv.privileges.bytes;
  const deadline = Date.now() + importTimeoutMs(bytes);
  let build: Record<string, any>;
  for (;;) {
    build = await api.ok('GET', `/api/application-imports/${res.body.id}`);
    if (['Finished', 'Failed', 'Canceled'].includes(build.status)) break;
    if (Date.now() > deadline) throw new Error(`connector build still ${build.status} after ${importTimeoutMs(bytes)} ms`);
    await sleep(100);
  }
  const ended = performance.now();
  const workerPeakRss = memory.stop();
  const metricsOk = build.status === 'Finished' && sameMetrics(build.metrics, csv.expected);
  if (!metricsOk) problems.push(`${d.mode} connector build of ${csv.expected.rowsRead} rows: ${build.status}, metrics ${JSON.stringify(build.metrics)}, expected ${JSON.stringify(csv.expected)}`);
  return { bytes, rows: csv.expected.rowsRead, uploadMs: uploaded - started, buildMs: ended - uploaded, workerStartRss: memory.startRss, workerPeakRss, metricsOk };
}

function sameMetrics(actual: Record<string, number> | null, expected: ConnectorExpected): boolean {
  return !!actual && (Object.keys(expected) as (keyof ConnectorExpected)[]).every((k) => actual[k] === expected[k]);
}
