/**
 * Bulk import benchmark: how long a 1000-object job takes from request to Completed, and objects
 * per second, in both database modes — against a baseline measured in the same run: the same 1000
 * clients created one request at a time through POST /api/v1/client/create.
 *
 *   npm run bench            (server mode uses INTAKE_TEST_DATABASE_URL, else it is skipped)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntake, type IntakeProcess } from '../test/helpers/intake-process.js';
import { createTestDatabase } from '../test/helpers/database.js';
import { waitForRequest } from '../test/helpers/bulk-import-suite.js';
import { bulkClients, bulkFindings } from './generate-bulk.js';
import { saveResults, type BulkResults } from './support/results.js';

const OBJECTS = 1000;

interface Figures {
  mode: string;
  bulkMs: number;
  oneByOneMs: number;
  findingsMs: number;
}

async function measure(mode: string, intake: IntakeProcess): Promise<Figures> {
  const api = intake.admin;
  const login = await api.request('POST', '/api/v1/authenticate', { username: 'admin@example.com', password: 'Test-Passw0rd!' });
  const tenantId = login.body.tenant_id;

  // The baseline sends the same generated objects, one POST /api/v1/client/create each.
  let t0 = performance.now();
  for (const client of bulkClients(OBJECTS, { prefix: 'one-by-one' }).objects) await api.ok('POST', '/api/v1/client/create', client);
  const oneByOneMs = performance.now() - t0;

  const clients = bulkClients(OBJECTS, { prefix: 'bulk' });
  t0 = performance.now();
  const started = await api.request('POST', `/api/v1/idm/${tenantId}/clients/import`, clients.objects);
  const done = await waitForRequest(api, started.body.requestId, 600_000);
  const bulkMs = performance.now() - t0;
  if (done.result?.summary?.created !== clients.expected.created) throw new Error(`bulk clients: ${JSON.stringify(done)}`);

  const { clientId, reportId } = await api.createClientAndReport('bench findings');
  const findings = bulkFindings(OBJECTS, { clientId, reportId }, { prefix: 'bench' });
  t0 = performance.now();
  const f = await api.request('POST', `/api/v1/idm/${tenantId}/findings/import`, findings.objects);
  const fdone = await waitForRequest(api, f.body.requestId, 600_000);
  const findingsMs = performance.now() - t0;
  if (fdone.result?.summary?.created !== findings.expected.created) throw new Error(`bulk findings: ${JSON.stringify(fdone)}`);
  return { mode, bulkMs, oneByOneMs, findingsMs };
}

const results: Figures[] = [];
const dataDir = await mkdtemp(join(tmpdir(), 'intake-bench-bulk-'));
let intake = await startIntake({ INTAKE_DATA_DIR: dataDir, LOG_LEVEL: 'error' });
try {
  results.push(await measure('embedded', intake));
} finally {
  await intake.stop();
  await rm(dataDir, { recursive: true, force: true });
}
if (process.env.INTAKE_TEST_DATABASE_URL) {
  const db = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'intake-bench-bulk-'));
  intake = await startIntake({ DATABASE_URL: db.url, INTAKE_DATA_DIR: dir, LOG_LEVEL: 'error' });
  try {
    results.push(await measure('server', intake));
  } finally {
    await intake.stop();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  }
} else {
  console.log('(server mode skipped: set INTAKE_TEST_DATABASE_URL to a PostgreSQL to measure it)');
}

saveResults({ objects: OBJECTS, modes: results } satisfies BulkResults);

const rate = (ms: number) => `${((OBJECTS * 1000) / ms).toFixed(0)} objects/s`;
console.log(`\nBulk import benchmark (${OBJECTS} objects; Node ${process.version})`);
for (const r of results) {
  console.log(`  ${r.mode.padEnd(9)} clients, bulk job request → Completed   ${r.bulkMs.toFixed(0).padStart(6)} ms  ${rate(r.bulkMs)}`);
  console.log(`  ${r.mode.padEnd(9)} clients, one request each (baseline)    ${r.oneByOneMs.toFixed(0).padStart(6)} ms  ${rate(r.oneByOneMs)}`);
  console.log(`  ${r.mode.padEnd(9)} bulk / baseline time                    ${(r.bulkMs / r.oneByOneMs).toFixed(2)} x`);
  console.log(`  ${r.mode.padEnd(9)} findings (generated), bulk job          ${r.findingsMs.toFixed(0).padStart(6)} ms  ${rate(r.findingsMs)}`);
}
