/**
 * How a benchmark hands its figures to bench/all.ts: as JSON in the file named by
 * BENCH_RESULTS_FILE (when set; run alone, a benchmark only prints).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Measurement } from '../measure.js';
import type { Batch, ConnectorBuild, Responsiveness, TimedImport } from './import-phases.js';

export function saveResults(figures: unknown): void {
  const file = process.env.BENCH_RESULTS_FILE;
  if (file) writeFileSync(file, JSON.stringify(figures, null, 2));
}

export function loadResults<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

// ---- The figures each benchmark saves (read back by bench/all.ts) ----

/** bench/run.ts: the Nessus parser alone against saxes tokenizing. */
export interface ParserResults {
  tokenize: Measurement;
  parse: Measurement;
  drain: { small: Measurement; big: Measurement };
  counted: { small: Measurement; big: Measurement };
  countsOk: boolean;
}

export interface ModeFigures {
  mode: 'embedded' | 'server';
  e2e: TimedImport & { tokenizeMs: number; tokenizeRunsMs: number[] };
  memory: { small: TimedImport; big: TimedImport };
  upload: { bytes: number; ms: number; apiStartRss: number; apiPeakRss: number };
  responsiveness: Responsiveness;
  scaleOut: { one: Batch; two: Batch };
  burp: TimedImport & { tokenizeMs: number };
  /** CSV Accounts builds of a quarter-size and a full-size pair of files, each on a fresh worker. */
  connector: { small: ConnectorBuild; big: ConnectorBuild };
}

/** bench/imports.ts. */
export interface ImportBenchResults {
  benchMb: number;
  sizes: { e2e: number; small: number; big: number; burp: number; connectorRows: { small: number; big: number } };
  latencyRequests: number;
  modes: ModeFigures[];
  problems: string[];
}

/** bench/bulk.ts. */
export interface BulkResults {
  objects: number;
  modes: { mode: string; bulkMs: number; oneByOneMs: number; findingsMs: number; pendingMs: number; runningMs: number }[];
}
