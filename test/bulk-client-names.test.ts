/**
 * Bulk client names are unique per tenant (case-insensitive) by a check, not by an index, because
 * PlexTrac's client/create allows equal names. Two bulk jobs of one tenant creating the same name
 * at the same time must still create it once: checked on a real PostgreSQL with two transactions
 * that overlap the way two workers' batches would.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pool } from '../src/db/pool.js';
import { clientsKind } from '../src/bulk/kinds/clients.kind.js';
import { createSchemaDatabase, type SchemaDatabase } from './helpers/database.js';

let database: SchemaDatabase;
let pool: Pool;
let tenantId: number;

before(async () => {
  database = await createSchemaDatabase('Race');
  ({ pool, tenantId } = database);
});

after(async () => {
  await database?.drop();
});

/** Runs `work` in a transaction on its own connection; resolves once `work` is done, commit waits for `release`. */
async function openTransaction<T>(work: (db: Pool) => Promise<T>): Promise<{ result: Promise<T>; commit: () => Promise<void> }> {
  const client = await pool.connect();
  await client.query('BEGIN');
  const result = work(client as unknown as Pool);
  return {
    result,
    async commit() {
      await result.catch(() => {});
      await client.query('COMMIT');
      client.release();
    },
  };
}

async function clientsNamed(name: string): Promise<number> {
  return (await pool.query('SELECT count(*)::int AS n FROM clients WHERE tenant_id = $1 AND lower(name) = lower($2)', [tenantId, name])).rows[0].n;
}

test('two overlapping batches creating the same client name create it once; the second learns it exists', async () => {
  const first = await openTransaction((db) => clientsKind.createMany!(db, tenantId, [{ name: 'Acme', data: {} }]));
  assert.equal((await first.result)[0] !== null, true, 'the first batch creates Acme');
  const second = await openTransaction((db) => clientsKind.createMany!(db, tenantId, [{ name: 'ACME', data: {} }, { name: 'Other', data: {} }]));
  const waited = await Promise.race([second.result.then(() => false), new Promise((r) => setTimeout(() => r(true), 300))]);
  assert.equal(waited, true, 'the second batch waits while the first is open');
  await first.commit();
  const ids = await second.result;
  assert.equal(ids[0], null, 'ACME is left out: it exists now');
  assert.notEqual(ids[1], null);
  await second.commit();
  assert.equal(await clientsNamed('acme'), 1);
});

test('one at a time, a name created by an overlapping batch is refused with the existing client named', async () => {
  const first = await openTransaction((db) => clientsKind.create(db, tenantId, { name: 'Globex', data: {} }));
  await first.result;
  const second = await openTransaction((db) => clientsKind.create(db, tenantId, { name: 'globex', data: {} }));
  // Expected before the first commits: the refusal comes as soon as it has, and must not go unhandled meanwhile.
  const refused = assert.rejects(second.result, /A client named 'globex' already exists \(client \d+\)\./);
  await first.commit();
  await refused;
  await second.commit();
  assert.equal(await clientsNamed('globex'), 1);
});
