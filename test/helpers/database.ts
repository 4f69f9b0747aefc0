/**
 * A fresh, empty PostgreSQL database for one test file. With INTAKE_TEST_DATABASE_URL set (CI
 * points it at the machine's server) a new database is created there; otherwise a real embedded
 * PostgreSQL is started for the test file, so the suite needs no external service. Also: the URL
 * of the database an embedded `intake serve` runs, and a one-statement query helper.
 */
import pg from 'pg';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { createLogger } from '../../src/logging.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { migrate } from '../../src/db/migrate.js';

export interface TestDatabase {
  url: string;
  /** Where the database came from, for test names. */
  kind: 'server' | 'embedded';
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.INTAKE_TEST_DATABASE_URL;
  if (!serverUrl) return embeddedDatabase();
  const name = `intake_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'server',
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function embeddedDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'intake-test-pg-'));
  const running = await startEmbeddedPostgres(dir, createLogger('silent', 'test-pg'));
  return {
    url: running.url,
    kind: 'embedded',
    async drop() {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The URL of the PostgreSQL that `intake serve` embeds under `dataDir`, for a test that must read
 * or change what the service stored: the password Intake keeps beside the cluster, the port from
 * the server's lock file (its fourth line).
 */
export async function embeddedIntakeDatabaseUrl(dataDir: string): Promise<string> {
  const password = (await readFile(join(dataDir, 'pg-password'), 'utf8')).trim();
  const port = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[3]);
  return `postgresql://intake:${encodeURIComponent(password)}@127.0.0.1:${port}/intake`;
}

/** Runs one statement on a database and closes the connection. */
export async function query(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A fresh database with Intake's schema, a pool on it, and one tenant: for tests of SQL itself. */
export interface SchemaDatabase {
  pool: Pool;
  tenantId: number;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export async function createSchemaDatabase(tenantName: string): Promise<SchemaDatabase> {
  const database = await createTestDatabase();
  const pool = createPool(database.url, 4);
  await migrate(pool);
  const tenantId = (await pool.query('INSERT INTO tenants (name) VALUES ($1) RETURNING id', [tenantName])).rows[0].id;
  return {
    pool,
    tenantId,
    async drop() {
      await pool.end();
      await database.drop();
    },
  };
}
