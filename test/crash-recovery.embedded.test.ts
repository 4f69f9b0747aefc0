/**
 * A worker killed mid-job in the embedded default: `intake serve` with its own PostgreSQL, local
 * storage and its one worker child. The child running a bulk import is killed with SIGKILL;
 * `intake serve` starts a new child, whose reaper hands the import back once its heartbeat has
 * stopped, and the job ends Completed with the summary of an uninterrupted run, each created row
 * of the report naming its own object and no object created twice.
 * (crash-recovery.test.ts covers the production topology: standalone `intake worker` processes.)
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';
import { parseCsv, startBulkJobMidway, waitForRequest } from './helpers/bulk-import-suite.js';
import { childrenOf, processesMentioning, waitGone } from './helpers/faults.js';

describe('a worker child of intake serve killed mid bulk import (embedded default)', () => {
  let dataDir: string;
  let intake: IntakeProcess;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'intake-crash-embedded-'));
    // No DATABASE_URL, no INTAKE_WORKERS: the embedded defaults, one worker child.
    intake = await startIntake({ INTAKE_DATA_DIR: dataDir, INTAKE_HEARTBEAT_SECONDS: '1', INTAKE_STALL_SECONDS: '3' }, 120_000);
  });

  after(async () => {
    await intake?.stop();
    for (const p of await processesMentioning(dataDir)) process.kill(p.pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  async function workerChildren(): Promise<number[]> {
    return (await childrenOf(intake.child.pid!)).filter((p) => / worker$/.test(p.args)).map((p) => p.pid);
  }

  test('a new child resumes the job: same summary as a clean run, nothing created twice', async () => {
    const api = intake.admin;
    const { clientId, reportId } = await api.createClientAndReport('Crash bulk embedded');
    const objects = Array.from({ length: 1000 }, (_, i) =>
      i % 5 === 0
        ? { clientId, reportId, title: `Finding ${i}`, severity: 'Nope' }
        : { clientId, reportId, title: `Finding ${i}`, severity: 'Low', affectedAssets: [`h${i % 50}`, `h${(i + 1) % 50}`] },
    );
    const children = await workerChildren();
    assert.equal(children.length, 1, 'the embedded default runs one worker child');
    const [victim] = children as [number];

    const requestId = await startBulkJobMidway(api, 'findings', objects);
    process.kill(victim, 'SIGKILL');
    assert.ok(await waitGone(victim, 10_000), 'the worker child is gone');

    const done = await waitForRequest(api, requestId, 120_000);
    assert.equal(done.status, 'Completed', JSON.stringify(done));
    assert.deepEqual(done.result.summary, { total: 1000, created: 800, failed: 200 });
    const log = intake.log();
    assert.match(log, /worker process exited; restarting it/);
    assert.match(log, /import lost its worker; handed back to the queue/, 'the reaper of the new child handed the job back');
    const now = await workerChildren();
    assert.equal(now.length, 1, 'one worker child again');
    assert.notEqual(now[0], victim);

    // Each created row names a distinct finding, and the report holds exactly those findings.
    const rows = parseCsv(await (await fetch(done.result.reportUrl)).text()).slice(1);
    assert.deepEqual(rows.map((r) => Number(r[0])), Array.from({ length: 1000 }, (_, i) => i + 1), 'one report row per input, in order');
    const createdIds = rows.filter((r) => r[1] === 'created').map((r) => r[2]);
    assert.equal(new Set(createdIds).size, 800);
    const flaws = await api.ok<any[]>('GET', `/api/v1/client/${clientId}/report/${reportId}/flaws`);
    assert.deepEqual(flaws.map((f) => String(f.data[0])).sort(), [...createdIds].sort(), 'no finding created twice, none missing');

    // The new child takes new work too.
    const login = await api.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' });
    const next = await api.request('POST', `/api/v1/idm/${login.body.tenant_id}/clients/import`, [{ name: 'After the crash' }]);
    assert.equal(next.status, 200, next.text);
    assert.deepEqual((await waitForRequest(api, next.body.requestId)).result.summary, { total: 1, created: 1, failed: 0 });
  });
});
