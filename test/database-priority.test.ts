/**
 * Workers lower the CPU priority of their PostgreSQL backends when the database runs on this
 * machine (src/db/backend-priority.ts). Checked on a real PostgreSQL: the embedded one, or the
 * machine's when INTAKE_TEST_DATABASE_URL points at it (both on loopback).
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createPool, type Pool } from '../src/db/pool.js';
import { backendRenicer, isLocalDatabase } from '../src/db/backend-priority.js';
import { createLogger } from '../src/logging.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

const log = createLogger('silent', 'priority-test');
let database: TestDatabase;

before(async () => {
  database = await createTestDatabase();
});

after(async () => {
  await database.drop();
});

/** Field 19 of /proc/PID/stat is the niceness (the command name, field 2, is in parentheses). */
async function nicenessOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

test('only loopback databases count as local', () => {
  assert.equal(isLocalDatabase('postgresql://u@127.0.0.1:5432/db'), true);
  assert.equal(isLocalDatabase('postgresql://u@localhost/db'), true);
  assert.equal(isLocalDatabase('postgresql://u@[::1]:5432/db'), true);
  assert.equal(isLocalDatabase('postgresql://u@db.internal:5432/db'), false);
  assert.equal(isLocalDatabase('postgresql://u@10.0.0.5/db'), false);
  assert.equal(isLocalDatabase('not a url'), false);
});

test('each new connection of a worker pool gets a backend at the worker niceness; other pools keep theirs', async () => {
  assert.ok(isLocalDatabase(database.url), 'the test database runs on this machine');
  assert.equal(backendRenicer('postgresql://u@db.internal/db', 7, log), undefined, 'a remote database is left alone');
  assert.equal(backendRenicer(database.url, 0, log), undefined, 'niceness 0 changes nothing');
  const niced: Pool = createPool(database.url, 2, {}, backendRenicer(database.url, 7, log));
  const plain: Pool = createPool(database.url, 1);
  try {
    const backends = await Promise.all([niced.connect(), niced.connect()]);
    try {
      for (const client of backends) {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        assert.equal(await nicenessOf(rows[0]!.pid), 7);
      }
    } finally {
      for (const client of backends) client.release();
    }
    const { rows } = await plain.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    assert.equal(await nicenessOf(rows[0]!.pid), 0);
  } finally {
    await niced.end();
    await plain.end();
  }
});
