/**
 * Load test (issue 7): 50 concurrent users run the whole spec-1 flow (presigned URL, PUT, import,
 * polling my-imports until it ends) while 4 large imports run. Reports errors (target: none),
 * p50/p99 latency of GET /api/v2/my-imports, and whether every import ended with the right counts.
 * Bounded: each user runs FLOWS flows; loopback only; the server is started and stopped here. Run
 * in each database mode (bench/support/deployment.ts: the embedded PostgreSQL with worker children,
 * and the machine's PostgreSQL with standalone workers when INTAKE_TEST_DATABASE_URL is set), with
 * 2 worker processes running 2 imports each.
 *
 *   npm run build && node dist/bench/load.js        (BENCH_USERS, BENCH_FLOWS, BENCH_LARGE_HOSTS to scale,
 *                                                    BENCH_MODES=embedded,server)
 */
import { Readable } from 'node:stream';
import { ApiClient } from '../test/helpers/api-client.js';
import { Site, benchModes, type Deployment } from './support/deployment.js';
import { SAMPLE_NESSUS } from '../src/parsers/nessus/fixtures/sample-nessus.js';
import { nessusFixtures } from '../src/parsers/nessus/fixtures/nessus.fixtures.js';
import { nessusParser } from '../src/parsers/nessus/nessus.parser.js';
import { countRecords } from '../src/parsers/support/count-records.js';

const USERS = Number(process.env.BENCH_USERS ?? 50);
const FLOWS = Number(process.env.BENCH_FLOWS ?? 3);
const LARGE_HOSTS = Number(process.env.BENCH_LARGE_HOSTS ?? 5000);
const SMALL = { findings: 5, assets: 3, finding_assets: 5, evidence: 4 };

let latencies: number[] = [];
let errors: string[] = [];

async function timedList(api: ApiClient): Promise<any[]> {
  const t0 = performance.now();
  const res = await api.request('GET', '/api/v2/my-imports');
  latencies.push(performance.now() - t0);
  if (res.status !== 200) throw new Error(`my-imports answered ${res.status}`);
  return res.body;
}

async function waitQuietly(api: ApiClient, key: string): Promise<any> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const row = (await timedList(api)).find((r) => r.key === key);
    if (row && (row.status === 'IMPORT COMPLETE' || row.status === 'ERROR')) return api.ok('GET', `/api/v2/my-imports/${key}`);
    if (Date.now() > deadline) throw new Error(`import ${key} did not finish`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const counts = (j: any) => ({ findings: j.processed_findings, assets: j.processed_assets, finding_assets: j.processed_finding_assets, evidence: j.processed_evidence });

let large = '';
for await (const piece of nessusFixtures.large(LARGE_HOSTS)) large += piece;
const expectedLarge = await countRecords(nessusParser.parse(Readable.from([Buffer.from(large)])));
let failed = false;
for (const mode of benchModes()) {
  latencies = [];
  errors = [];
  const site = await Site.create(mode);
  try {
    const ok = await loadTest(await site.start({ workers: 2, concurrency: 2 }));
    failed ||= !ok;
  } finally {
    await site.destroy();
  }
}
process.exitCode = failed ? 1 : 0;

/** One run against one installation; answers whether it went without errors. */
async function loadTest(intake: Deployment): Promise<boolean> {
  const admin = intake.admin;
  const me = await admin.ok('GET', '/api/v2/users/me');
  const tenantId = me.user.tenantId;
  const users: ApiClient[] = [];
  for (let i = 0; i < USERS; i++) {
    const email = `load${i}@example.com`;
    await admin.ok('POST', `/api/v2/tenants/${tenantId}/users`, { email, role: 'ANALYST', password: 'Load-Passw0rd!' });
    const client = new ApiClient(intake.baseUrl);
    await client.login(email, 'Load-Passw0rd!');
    users.push(client);
  }

  const target = await admin.createClientAndReport('load');

  // Idle latency first, as the baseline.
  for (let i = 0; i < 200; i++) await timedList(admin);
  const idle = [...latencies];
  latencies.length = 0;

  const t0 = performance.now();
  const largeRuns = Array.from({ length: 4 }, async (_, i) => {
    const report = await admin.ok('POST', `/api/v1/client/${target.clientId}/report/create`, { name: `large ${i}` });
    const started = await admin.importBytes({ clientId: target.clientId, reportId: report.report_id }, 'nessus', `large${i}.nessus`, large);
    const job = await waitQuietly(admin, started.operationId);
    if (job.status !== 'IMPORT COMPLETE' || JSON.stringify(counts(job)) !== JSON.stringify(expectedLarge)) errors.push(`large import ${i}: ${job.status} ${JSON.stringify(counts(job))}`);
  });
  const userRuns = users.map(async (api, u) => {
    const own = await api.createClientAndReport(`user ${u}`);
    for (let f = 0; f < FLOWS; f++) {
      try {
        const started = await api.importBytes(own, 'nessus', `small-${u}-${f}.nessus`, SAMPLE_NESSUS);
        const job = await waitQuietly(api, started.operationId);
        if (job.status !== 'IMPORT COMPLETE' || JSON.stringify(counts(job)) !== JSON.stringify(SMALL)) errors.push(`user ${u} flow ${f}: ${job.status}`);
      } catch (error) {
        errors.push(`user ${u} flow ${f}: ${(error as Error).message}`);
      }
    }
  });
  await Promise.all([...largeRuns, ...userRuns]);
  const seconds = (performance.now() - t0) / 1000;

  const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;
  console.log(`\nLoad test, ${intake.mode} PostgreSQL: ${USERS} users × ${FLOWS} spec-1 flows while 4 imports of ${(large.length / 1e6).toFixed(0)} MB run (Node ${process.version})`);
  console.log(`  wall time                                  ${seconds.toFixed(1)} s`);
  console.log(`  errors                                     ${errors.length}${errors.length ? `: ${errors.slice(0, 5).join('; ')}` : ''}`);
  console.log(`  GET /api/v2/my-imports idle     p50 / p99  ${pct(idle, 50).toFixed(1)} / ${pct(idle, 99).toFixed(1)} ms`);
  console.log(`  GET /api/v2/my-imports loaded   p50 / p99  ${pct(latencies, 50).toFixed(1)} / ${pct(latencies, 99).toFixed(1)} ms (${latencies.length} requests)`);
  console.log(`  p99 loaded / idle                          ${(pct(latencies, 99) / pct(idle, 99)).toFixed(2)} x`);
  console.log(`  every import ended with the right counts   ${errors.length === 0 ? 'yes' : 'no'}`);
  return errors.length === 0;
}
