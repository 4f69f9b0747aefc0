/**
 * Faults in the embedded default, where `intake serve` owns its PostgreSQL and worker children:
 * - its PostgreSQL stopped under load: the api answers 503 DATABASE_UNAVAILABLE (never hangs,
 *   never crashes), /healthz says 503, PostgreSQL is started again by Intake, and everything —
 *   requests, the queue, the import-event stream, the interrupted import — recovers by itself;
 * - `intake serve` killed with SIGKILL: its worker children leave by themselves, a restart on the
 *   same data directory deals with the PostgreSQL left running and its lock file, every accepted
 *   import finishes, and a clean stop leaves no process behind.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';
import { sleep } from './helpers/ports.js';
import { childrenOf, countsOf, isAlive, nessusFile, postmasterPid, processesMentioning, signalAndWait, waitGone } from './helpers/faults.js';

interface Sample {
  path: string;
  status: number | 'error';
  code?: string;
  retryAfter?: string | null;
  ms: number;
  at: number;
}

describe('faults of the embedded default (intake serve with its own PostgreSQL and workers)', () => {
  let dataDir: string;
  let intake: IntakeProcess | undefined;
  const env = () => ({ INTAKE_DATA_DIR: dataDir, INTAKE_WORKERS: '1', INTAKE_WORKER_CONCURRENCY: '1', INTAKE_HEARTBEAT_SECONDS: '1', INTAKE_STALL_SECONDS: '3' });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'intake-faults-embedded-'));
    intake = await startIntake(env(), 120_000);
  });

  after(async () => {
    await intake?.stop();
    for (const p of await processesMentioning(dataDir)) process.kill(p.pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Reads an SSE stream until its `end` event; returns the status events seen. */
  async function followEvents(key: string, timeoutMs: number): Promise<{ statuses: string[]; ended: any }> {
    const res = await fetch(`${intake!.baseUrl}/api/v2/my-imports/${key}/events`, { headers: { authorization: intake!.admin.token! }, signal: AbortSignal.timeout(timeoutMs) });
    assert.equal(res.status, 200);
    const statuses: string[] = [];
    let buffer = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.+)$/m.exec(message)?.[1];
        const data = /^data: (.+)$/m.exec(message)?.[1];
        if (event === 'status') statuses.push(JSON.parse(data!).status);
        if (event === 'end') return { statuses, ended: JSON.parse(data!) };
      }
    }
    throw new Error(`the event stream ended without an end event; saw ${statuses.join(', ')}`);
  }

  test('a second intake serve on the same data directory refuses to start and leaves the first one alone', async () => {
    const postgres = await postmasterPid(dataDir);
    await assert.rejects(startIntake(env(), 60_000), /in use by a running PostgreSQL/);
    assert.equal(await postmasterPid(dataDir), postgres, 'the running PostgreSQL was not touched');
    assert.equal((await fetch(`${intake!.baseUrl}/healthz`)).status, 200);
  });

  test('PostgreSQL stopped under load: 503 DATABASE_UNAVAILABLE while down, then everything recovers by itself', async () => {
    const api = intake!.admin;
    const { text, expected } = await nessusFile(6000);
    const target = await api.createClientAndReport('Outage');
    const started = await api.importBytes(target, 'nessus', 'outage.nessus', text);
    while ((await api.ok('GET', `/api/v2/my-imports/${started.operationId}`)).status !== 'PROCESSING') await sleep(20);
    // Opened before the outage: its end can only arrive through notifications after it.
    const events = followEvents(started.operationId, 120_000);
    events.catch(() => {});

    const samples: Sample[] = [];
    let stop = false;
    const load = async (path: string) => {
      while (!stop) {
        const t0 = Date.now();
        try {
          const res = await fetch(intake!.baseUrl + path, { headers: { authorization: api.token! }, signal: AbortSignal.timeout(15_000) });
          const body = await res.json().catch(() => ({}));
          samples.push({ path, status: res.status, code: body.code, retryAfter: res.headers.get('retry-after'), ms: Date.now() - t0, at: t0 });
        } catch {
          samples.push({ path, status: 'error', ms: Date.now() - t0, at: t0 });
        }
        await sleep(25);
      }
    };
    const loops = [load('/api/v2/my-imports'), load('/api/v2/my-imports'), load('/healthz'), load(`/api/v2/my-imports/${started.operationId}`)];
    await sleep(300);

    const oldPostmaster = await postmasterPid(dataDir);
    assert.ok(oldPostmaster, 'the embedded PostgreSQL runs');
    const killedAt = Date.now();
    process.kill(oldPostmaster, 'SIGINT'); // PostgreSQL's fast shutdown, as `pg_ctl stop -m fast` does
    // Down, then back: wait for a run of successes after the first failure.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const after = samples.filter((s) => s.at > killedAt);
      const firstDown = after.findIndex((s) => s.status !== 200);
      const recovered = firstDown >= 0 && after.slice(firstDown).some((s, i, rest) => i + 8 <= rest.length && rest.slice(i, i + 8).every((r) => r.status === 200));
      if (recovered) break;
      assert.ok(Date.now() < deadline, `not recovered after 60 s: ${JSON.stringify(after.slice(-5))}`);
      await sleep(100);
    }
    stop = true;
    await Promise.all(loops);

    const during = samples.filter((s) => s.at > killedAt);
    assert.deepEqual([...new Set(during.map((s) => s.status))].sort(), [200, 503], 'only answers, and only 200 or 503: no 500, no dropped connection');
    const unavailable = during.filter((s) => s.status === 503);
    assert.ok(unavailable.every((s) => s.code === 'DATABASE_UNAVAILABLE' && s.retryAfter), JSON.stringify(unavailable.slice(0, 3)));
    assert.ok(unavailable.some((s) => s.path === '/healthz'), '/healthz says 503 while the database is down');
    assert.ok(unavailable.some((s) => s.path.startsWith('/api/')), 'API routes say 503 while the database is down');
    const slowest = Math.max(...during.map((s) => s.ms));
    assert.ok(slowest < 6000, `no request hangs (slowest ${slowest} ms)`);
    assert.equal(intake!.child.exitCode, null, 'the api process is still running');
    assert.doesNotMatch(intake!.log(), /worker process exited/, 'the worker child survived the outage');
    const newPostmaster = await postmasterPid(dataDir);
    assert.ok(newPostmaster && newPostmaster !== oldPostmaster, 'Intake started a new PostgreSQL');
    assert.match(intake!.log(), /embedded PostgreSQL stopped unexpectedly; restarting it/);

    // The import cut off by the outage is retried by the worker child, and the event stream
    // (LISTEN on a connection that died with the server) reports its end.
    const { ended } = await events;
    assert.equal(ended.status, 'IMPORT COMPLETE', ended.error_status);
    assert.deepEqual(countsOf(await api.ok('GET', `/api/v2/my-imports/${started.operationId}`)), expected);
    // The api's queue connection survived too: a new import is queued and run.
    const small = await nessusFile(10);
    const again = await api.waitForImport((await api.importBytes(target, 'nessus', 'after.nessus', small.text)).operationId, 60_000);
    assert.equal(again.status, 'IMPORT COMPLETE', again.error_status);
  });

  test('intake serve killed with SIGKILL: children leave, a restart on the same data directory recovers, every import finishes', async () => {
    const api = intake!.admin;
    const { text, expected } = await nessusFile(3000);
    const target = await api.createClientAndReport('Killed serve');
    const accepted: string[] = [];
    for (let i = 0; i < 3; i++) accepted.push((await api.importBytes(target, 'nessus', `k${i}.nessus`, text)).operationId);
    for (;;) {
      const statuses = (await api.ok<any[]>('GET', '/api/v2/my-imports')).filter((r) => accepted.includes(r.key)).map((r) => r.status);
      if (statuses.includes('PROCESSING')) break;
      assert.ok(!statuses.every((s) => s === 'IMPORT COMPLETE'), 'the imports ended before the kill; make them larger');
      await sleep(20);
    }
    const serve = intake!.child.pid!;
    const postgres = await postmasterPid(dataDir);
    const workerChildren = (await childrenOf(serve)).filter((p) => / worker$/.test(p.args));
    assert.equal(workerChildren.length, 1, 'one worker child');

    await signalAndWait(intake!.child, 'SIGKILL');
    assert.ok(await waitGone(workerChildren[0]!.pid, 15_000), 'the worker child leaves when its parent is gone');
    // PostgreSQL cannot notice its parent's death: it is left running until the next start.
    const orphan = postgres && isAlive(postgres) ? postgres : null;

    intake = await startIntake(env(), 120_000);
    if (orphan) {
      assert.equal(isAlive(orphan), false, 'the restart stopped the PostgreSQL left behind');
      assert.match(intake.log(), /left running by an earlier Intake/);
    }
    for (const id of accepted) {
      const job = await intake.admin.waitForImport(id, 120_000);
      assert.equal(job.status, 'IMPORT COMPLETE', job.error_status);
      assert.deepEqual(countsOf(job), expected);
    }

    const children = await childrenOf(intake.child.pid!);
    const exit = await signalAndWait(intake.child, 'SIGTERM');
    assert.equal(exit.code, 0, intake.log().slice(-2000));
    for (const child of children) assert.ok(await waitGone(child.pid, 10_000), `child ${child.args} stopped with its parent`);
    const deadline = Date.now() + 10_000;
    while ((await processesMentioning(dataDir)).length > 0 && Date.now() < deadline) await sleep(100);
    assert.deepEqual(await processesMentioning(dataDir), [], 'a clean stop leaves no PostgreSQL behind');
    intake = undefined;
  });
});
