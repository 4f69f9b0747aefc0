/**
 * Spec 1's flow as the benchmarks drive it, over the public API: a presigned URL, a streamed PUT
 * of a file from disk (never read into memory), the preuploaded-import request, and polling the
 * import until it ends. Timings come from here; stageMs/commitMs from the worker's log.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ApiClient } from '../../test/helpers/api-client.js';
import { sleep } from '../../test/helpers/ports.js';
import type { RecordCounts } from '../../src/parsers/support/count-records.js';
import { logLines } from './deployment.js';

export interface Target {
  clientId: number;
  reportId: number;
}

export interface Uploaded {
  key: string;
  fileName: string;
  bytes: number;
  ms: number;
}

/** Presigned URL, then PUT of the file streamed from disk with its Content-Length. */
export async function uploadFile(api: ApiClient, path: string, fileName: string): Promise<Uploaded> {
  const presigned = await api.ok<{ key: string; url: string }>('POST', '/api/v2/presigned-url', { name: fileName });
  const bytes = (await stat(path)).size;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const put = request(presigned.url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': bytes } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (text: string) => (body += text));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT ${fileName} answered ${res.statusCode}: ${body.slice(0, 300)}`))));
    });
    put.on('error', reject);
    pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), put).catch(reject);
  });
  return { key: presigned.key, fileName, bytes, ms: performance.now() - started };
}

export async function newTarget(api: ApiClient, name: string): Promise<Target> {
  return api.createClientAndReport(name);
}

/** Step 3: queue the import of an uploaded file; returns its operation id. */
export async function startImport(api: ApiClient, target: Target, uploaded: Uploaded, source: string): Promise<string> {
  const started = await api.ok<{ operationId: string }>(
    'POST',
    `/api/v2/client/${target.clientId}/report/${target.reportId}/preuploaded-import/${source}`,
    { key: uploaded.key, fileName: uploaded.fileName, tags: JSON.stringify({ assets: [], findings: [] }), useParserActions: false },
  );
  return started.operationId;
}

export interface FinishedImport {
  id: string;
  status: string;
  error: string | null;
  counts: RecordCounts;
  /** When polling saw it end, performance.now() clock. */
  endedAt: number;
}

const ENDED = new Set(['IMPORT COMPLETE', 'ERROR']);
const POLL_MS = 100;

/** Polls one import (GET /api/v2/my-imports/{id}) until it ends or `timeoutMs` passes. */
export async function waitForImport(api: ApiClient, id: string, timeoutMs: number): Promise<FinishedImport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await api.ok<Record<string, any>>('GET', `/api/v2/my-imports/${id}`);
    if (ENDED.has(job.status)) return finished(id, job);
    if (Date.now() > deadline) throw new Error(`import ${id} still ${job.status} after ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** Polls the list (one request for all of them) until every import in `ids` has ended. */
export async function waitForImports(api: ApiClient, ids: string[], timeoutMs: number): Promise<FinishedImport[]> {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, number>();
  while (done.size < ids.length) {
    const list = await api.ok<Record<string, any>[]>('GET', '/api/v2/my-imports');
    for (const row of list) {
      if (ids.includes(row.key) && !done.has(row.key) && ENDED.has(row.status)) done.set(row.key, performance.now());
    }
    if (done.size === ids.length) break;
    if (Date.now() > deadline) throw new Error(`${ids.length - done.size} of ${ids.length} imports unfinished after ${timeoutMs} ms`);
    await sleep(POLL_MS * 2);
  }
  // The list has no counters; each import's own view has them (read after the timing).
  const results = [];
  for (const id of ids) {
    const job = await api.ok<Record<string, any>>('GET', `/api/v2/my-imports/${id}`);
    results.push({ ...finished(id, job), endedAt: done.get(id)! });
  }
  return results;
}

function finished(id: string, job: Record<string, any>): FinishedImport {
  return {
    id,
    status: job.status,
    error: job.error_status ?? null,
    counts: { findings: job.processed_findings, assets: job.processed_assets, finding_assets: job.processed_finding_assets, evidence: job.processed_evidence },
    endedAt: performance.now(),
  };
}

/** Generous: a busy machine can be slow, but a stuck import must not hang the run. */
export const importTimeoutMs = (bytes: number): number => Math.max(180_000, (bytes / (1024 * 1024)) * 1000);

export interface WorkerTimings {
  ms: number;
  stageMs: number;
  commitMs: number;
}

/** The worker's own timings of one import, from its 'import complete' log line. */
export function workerTimings(logs: string, importId: string): WorkerTimings | undefined {
  const line = logLines(logs).find((l) => l.msg === 'import complete' && l.importId === importId);
  return line ? { ms: Number(line.ms), stageMs: Number(line.stageMs), commitMs: Number(line.commitMs) } : undefined;
}

export function sameCounts(actual: RecordCounts, expected: RecordCounts): boolean {
  return (Object.keys(expected) as (keyof RecordCounts)[]).every((k) => actual[k] === expected[k]);
}
