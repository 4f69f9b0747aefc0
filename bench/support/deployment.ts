/**
 * Intake as the benchmarks run it: real processes on loopback, in either database mode, with a
 * chosen number of worker processes. A `Site` is one installation (data directory, database) that
 * survives restarts, so a benchmark can restart Intake with other worker settings, or to get a
 * fresh worker whose memory has not yet been touched, and keep its data.
 *
 * - embedded: `intake serve` with its own PostgreSQL; workers are its children (INTAKE_WORKERS).
 * - server: a fresh database on the machine's PostgreSQL (INTAKE_TEST_DATABASE_URL); `intake serve`
 *   with INTAKE_WORKERS=0 and standalone `intake worker` processes, as production runs them.
 *
 * Storage is the local directory in both modes, so presigned PUTs go to the API itself.
 * LOG_LEVEL is info, the default: the workers' 'import complete' lines carry stageMs/commitMs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, startWorker, type IntakeProcess, type WorkerProcess } from '../../test/helpers/intake-process.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import type { ApiClient } from '../../test/helpers/api-client.js';
import { sleep } from '../../test/helpers/ports.js';
import pg from 'pg';
import { postmasterOf } from './process-cpu.js';

export type DatabaseMode = 'embedded' | 'server';

export interface WorkerSettings {
  workers: number;
  /** INTAKE_WORKER_CONCURRENCY: imports one worker process runs at once. */
  concurrency: number;
}

export interface Deployment {
  mode: DatabaseMode;
  baseUrl: string;
  admin: ApiClient;
  apiPid: number;
  workerPids: number[];
  /**
   * Where PostgreSQL's processes are, for their CPU time: the api process in embedded mode (its
   * postmaster is a child of it), the machine server's postmaster in server mode; undefined when
   * that server is not a local process.
   */
  postgresRoot: number | undefined;
  /** Everything the api and worker processes have logged so far (pino JSON lines). */
  logs(): string;
  stop(): Promise<void>;
}

const WORKER_READY_TIMEOUT_MS = 60_000;

/** Settings common to every process of a benchmark deployment. */
const COMMON_ENV = { LOG_LEVEL: 'info', INTAKE_TOKEN_TTL_SECONDS: '7200' };

/**
 * The modes to measure: BENCH_MODES (default `embedded,server`), without server mode when
 * INTAKE_TEST_DATABASE_URL is unset (said on the console).
 */
export function benchModes(): DatabaseMode[] {
  const wanted = (process.env.BENCH_MODES ?? 'embedded,server').split(',').map((m) => m.trim());
  const modes = wanted.filter((m): m is DatabaseMode => m === 'embedded' || m === 'server');
  if (modes.includes('server') && !process.env.INTAKE_TEST_DATABASE_URL) {
    console.log('(server mode skipped: set INTAKE_TEST_DATABASE_URL to a PostgreSQL to measure it)');
    return modes.filter((m) => m !== 'server');
  }
  return modes;
}

export class Site {
  private running: Deployment | undefined;

  private constructor(
    readonly mode: DatabaseMode,
    private readonly dataDir: string,
    private readonly database: TestDatabase | undefined,
    private readonly postmaster: number | undefined,
  ) {}

  static async create(mode: DatabaseMode): Promise<Site> {
    const dataDir = await mkdtemp(join(tmpdir(), `intake-bench-${mode}-`));
    if (mode === 'embedded') return new Site(mode, dataDir, undefined, undefined);
    if (!process.env.INTAKE_TEST_DATABASE_URL) throw new Error('server mode needs INTAKE_TEST_DATABASE_URL');
    const database = await createTestDatabase();
    return new Site(mode, dataDir, database, await localPostmaster(database.url));
  }

  /** Starts Intake (stopping what runs first) and waits until every worker says it is ready. */
  async start(settings: WorkerSettings): Promise<Deployment> {
    await this.stop();
    const workerEnv = { ...COMMON_ENV, INTAKE_WORKER_CONCURRENCY: String(settings.concurrency) };
    let deployment: Deployment;
    if (this.mode === 'embedded') {
      const intake = await startIntake({ ...workerEnv, INTAKE_DATA_DIR: this.dataDir, INTAKE_WORKERS: String(settings.workers) });
      deployment = wrap(this.mode, intake, [], intake.child.pid, () => intake.log());
    } else {
      const shared = { DATABASE_URL: this.database!.url, INTAKE_DATA_DIR: this.dataDir };
      const intake = await startIntake({ ...COMMON_ENV, ...shared, INTAKE_WORKERS: '0' });
      const workers = Array.from({ length: settings.workers }, () => startWorker({ ...workerEnv, ...shared }));
      deployment = wrap(this.mode, intake, workers, this.postmaster, () => [intake.log(), ...workers.map((w) => w.log())].join('\n'));
    }
    this.running = deployment;
    try {
      deployment.workerPids.push(...(await readyWorkers(deployment, settings.workers)));
    } catch (error) {
      await this.stop();
      throw error;
    }
    return deployment;
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }

  /** Stops Intake and removes the data directory and the database. */
  async destroy(): Promise<void> {
    await this.stop();
    await this.database?.drop().catch((error: unknown) => console.error('could not drop the bench database:', error));
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

function wrap(mode: DatabaseMode, intake: IntakeProcess, workers: WorkerProcess[], postgresRoot: number | undefined, logs: () => string): Deployment {
  return {
    mode,
    baseUrl: intake.baseUrl,
    admin: intake.admin,
    apiPid: intake.child.pid!,
    workerPids: [],
    postgresRoot,
    logs,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await intake.stop();
    },
  };
}

/**
 * The postmaster of the server behind `url` when it runs on this machine: the parent of our own
 * backend, read while the connection is open (the backend exits with it).
 */
async function localPostmaster(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const postmaster = postmasterOf(Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid));
    if (postmaster === undefined) console.log("(the machine's PostgreSQL is not a local process: its CPU time is not measured)");
    return postmaster;
  } finally {
    await client.end();
  }
}

/** The pids of the workers, from their 'worker ready' log lines. */
async function readyWorkers(deployment: Deployment, count: number): Promise<number[]> {
  const deadline = Date.now() + WORKER_READY_TIMEOUT_MS;
  for (;;) {
    const pids = new Set(logLines(deployment.logs()).filter((line) => line.msg === 'worker ready').map((line) => Number(line.pid)));
    if (pids.size >= count) return [...pids];
    if (Date.now() > deadline) throw new Error(`${count - pids.size} of ${count} workers not ready after ${WORKER_READY_TIMEOUT_MS} ms:\n${deployment.logs().slice(-3000)}`);
    await sleep(100);
  }
}

/** The JSON log lines among `text` (other output is skipped). */
export function logLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut by a chunk boundary or not ours
    }
  }
  return lines;
}
