/** Connector file imports on the embedded default (embedded PostgreSQL, local storage). */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConnectorSuite } from './helpers/connector-suite.js';
import { startIntake, type IntakeProcess } from './helpers/intake-process.js';

let dataDir: string;
let intake: IntakeProcess | undefined;

defineConnectorSuite('connector imports: embedded PostgreSQL + local storage', {
  largeRows: 50_000,
  async setup() {
    dataDir = await mkdtemp(join(tmpdir(), 'intake-connectors-'));
    intake = await startIntake({ INTAKE_DATA_DIR: dataDir });
    return intake;
  },
  async teardown() {
    await intake?.stop();
    await rm(dataDir, { recursive: true, force: true });
  },
  async listObjects() {
    const root = join(dataDir, 'objects');
    const out: string[] = [];
    for (const dir of await readdir(root).catch(() => [])) for (const f of await readdir(join(root, dir))) out.push(`${dir}/${f}`);
    return out.sort();
  },
});
