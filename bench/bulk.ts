/**
 * Bulk import benchmark: how long a 1000-object job takes from request to Completed, and objects
 * per second, in both database modes — against a baseline measured in the same run: the same 1000
 * clients created one request at a time through POST /api/v1/client/create. The job is polled every
 * 50 ms, which also tells how long it waited in the queue before a worker took it.
 *
 *   npm run bench            (server mode uses INTAKE_TEST_DATABASE_URL, else it is skipped)
 *   node dist/bench/bulk.js  this benchmark alone (BENCH_MODES=embedded|server to pick one;
 *                            BENCH_BULK_LOG=1 also prints the worker's 'bulk import complete' lines)
 */
import { Site, benchModes } from './support/deployment.js';
import type { ApiClient } from '../test/helpers/api-client.js';
import { bulkClients, bulkFindings } from './generate-bulk.js';
import { saveResults, type BulkResults } from './support/results.js';

const OBJECTS = 1000;

interface Figures {
  mode: string;
  bulkMs: number;
  oneByOneMs: number;
  findingsMs: number;
  /** Of bulkMs: until the job was first seen InProgress (queue pickup), then until Completed. */
  pendingMs: number;
  runningMs: number;
}

const POLL_MS = 50;

/** Polls the job every POLL_MS; when it was first seen running, and its final answer. */
async function waitTimed(api: ApiClient, requestId: string, started: number): Promise<{ body: any; pendingMs: number; endMs: number }> {
  let pendingMs = Number.NaN;
  const deadline = Date.now() + 600_000;
  for (;;) {
    const res = await api.request('GET', `/api/v1/request/${requestId}`);
    const now = performance.now();
    if (res.body?.status !== 'Pending' && Number.isNaN(pendingMs)) pendingMs = now - started;
    if (res.body?.status === 'Completed' || res.body?.status === 'Failed') return { body: res.body, pendingMs, endMs: now - started };
    if (Date.now() > deadline) throw new Error(`bulk job ${requestId} unfinished: ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function measure(mode: string, api: ApiClient): Promise<Figures> {
  const login = await api.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' });
  const tenantId = login.body.tenant_id;

  // The baseline sends the same generated objects, one POST /api/v1/client/create each.
  let t0 = performance.now();
  for (const client of bulkClients(OBJECTS, { prefix: 'one-by-one' }).objects) await api.ok('POST', '/api/v1/client/create', client);
  const oneByOneMs = performance.now() - t0;

  const clients = bulkClients(OBJECTS, { prefix: 'bulk' });
  t0 = performance.now();
  const started = await api.request('POST', `/api/v1/idm/${tenantId}/clients/import`, clients.objects);
  const timed = await waitTimed(api, started.body.requestId, t0);
  const done = timed.body;
  const bulkMs = timed.endMs;
  if (done.result?.summary?.created !== clients.expected.created) throw new Error(`bulk clients: ${JSON.stringify(done)}`);

  const { clientId, reportId } = await api.createClientAndReport('bench findings');
  const findings = bulkFindings(OBJECTS, { clientId, reportId }, { prefix: 'bench' });
  t0 = performance.now();
  const f = await api.request('POST', `/api/v1/idm/${tenantId}/findings/import`, findings.objects);
  const fdone = (await waitTimed(api, f.body.requestId, t0)).body;
  const findingsMs = performance.now() - t0;
  if (fdone.result?.summary?.created !== findings.expected.created) throw new Error(`bulk findings: ${JSON.stringify(fdone)}`);
  return { mode, bulkMs, oneByOneMs, findingsMs, pendingMs: timed.pendingMs, runningMs: bulkMs - timed.pendingMs };
}

const results: Figures[] = [];
let site: Site | undefined;
// Interrupted (Ctrl-C, or bench/all.ts's time limit): stop Intake and remove its data, then leave.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void Promise.resolve(site?.destroy()).finally(() => process.exit(130)));
}
for (const mode of benchModes()) {
  site = await Site.create(mode);
  try {
    const deployment = await site.start({ workers: 1, concurrency: 2 });
    results.push(await measure(mode, deployment.admin));
    // The worker's own split of each job: createMs (validate and create) and reportMs (the CSV report).
    if (process.env.BENCH_BULK_LOG) console.log(deployment.logs().split('\n').filter((l) => l.includes('bulk import complete')).join('\n'));
  } finally {
    await site.destroy();
    site = undefined;
  }
}

saveResults({ objects: OBJECTS, modes: results } satisfies BulkResults);

const rate = (ms: number) => `${((OBJECTS * 1000) / ms).toFixed(0)} objects/s`;
console.log(`\nBulk import benchmark (${OBJECTS} objects; Node ${process.version})`);
for (const r of results) {
  console.log(`  ${r.mode.padEnd(9)} clients, bulk job request → Completed   ${r.bulkMs.toFixed(0).padStart(6)} ms  ${rate(r.bulkMs)}`);
  console.log(`  ${r.mode.padEnd(9)}   of which Pending (queue pickup)       ${r.pendingMs.toFixed(0).padStart(6)} ms, then running ${r.runningMs.toFixed(0)} ms`);
  console.log(`  ${r.mode.padEnd(9)} clients, one request each (baseline)    ${r.oneByOneMs.toFixed(0).padStart(6)} ms  ${rate(r.oneByOneMs)}`);
  console.log(`  ${r.mode.padEnd(9)} bulk / baseline time                    ${(r.bulkMs / r.oneByOneMs).toFixed(2)} x`);
  console.log(`  ${r.mode.padEnd(9)} findings (generated), bulk job          ${r.findingsMs.toFixed(0).padStart(6)} ms  ${rate(r.findingsMs)}`);
}
