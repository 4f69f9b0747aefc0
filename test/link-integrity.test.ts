/**
 * Links (finding_assets) and evidence need their finding and asset, as foreign keys would demand,
 * but checked once per statement (src/db/migrations/014_set_based_link_parents.sql). On a real
 * PostgreSQL: a row naming a missing parent fails its whole statement; deleting a parent takes its
 * rows with it; parents of a row cannot change; and the races a foreign key's lock settles — a
 * delete while an insert is open, an insert while a delete is open — end without an orphan.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import type { Pool } from '../src/db/pool.js';
import { createSchemaDatabase, type SchemaDatabase } from './helpers/database.js';

let database: SchemaDatabase;
let pool: Pool;
let ids: { tenant: number; client: number; report: number };

before(async () => {
  database = await createSchemaDatabase('Links');
  pool = database.pool;
  const tenant = database.tenantId;
  const client = (await pool.query("INSERT INTO clients (tenant_id, name) VALUES ($1, 'Client') RETURNING id", [tenant])).rows[0].id;
  const report = (await pool.query("INSERT INTO reports (tenant_id, client_id, name) VALUES ($1, $2, 'Report') RETURNING id", [tenant, client])).rows[0].id;
  ids = { tenant, client, report };
});

after(async () => {
  await database?.drop();
});

let serial = 0;
async function newFinding(): Promise<number> {
  const { rows } = await pool.query(
    `INSERT INTO findings (tenant_id, client_id, report_id, source, tool_key, title, severity) VALUES ($1, $2, $3, 'nessus', $4, 'A finding', 'Low') RETURNING id`,
    [ids.tenant, ids.client, ids.report, `plugin-${++serial}`],
  );
  return rows[0].id;
}

async function newAsset(): Promise<number> {
  const { rows } = await pool.query('INSERT INTO assets (tenant_id, client_id, identity) VALUES ($1, $2, $3) RETURNING id', [ids.tenant, ids.client, `10.0.0.${++serial}`]);
  return rows[0].id;
}

const link = (db: Pick<Pool, 'query'>, findingId: number, assetId: number) =>
  db.query('INSERT INTO finding_assets (finding_id, asset_id) VALUES ($1, $2)', [findingId, assetId]);
const evidence = (db: Pick<Pool, 'query'>, findingId: number, assetId: number, key = 'k') =>
  db.query(`INSERT INTO evidence (finding_id, asset_id, evidence_key, label, content) VALUES ($1, $2, $3, 'output', 'text')`, [findingId, assetId, key]);

async function rowsOf(findingId: number): Promise<{ links: number; evidence: number }> {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*)::int FROM finding_assets WHERE finding_id = $1) AS links, (SELECT count(*)::int FROM evidence WHERE finding_id = $1) AS evidence`,
    [findingId],
  );
  return rows[0];
}

const violatesParents = (error: unknown) => (error as { code?: string }).code === '23503';

test('a link or evidence row naming a finding or asset that does not exist fails its whole statement', async () => {
  const [finding, asset] = [await newFinding(), await newAsset()];
  await assert.rejects(link(pool, finding, 999_999), violatesParents);
  await assert.rejects(link(pool, 999_999, asset), violatesParents);
  await assert.rejects(evidence(pool, finding, 999_999), violatesParents);
  await assert.rejects(evidence(pool, 999_999, asset), violatesParents);
  const otherAsset = await newAsset();
  await assert.rejects(
    pool.query('INSERT INTO finding_assets (finding_id, asset_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])', [[finding, finding], [otherAsset, 999_999]]),
    violatesParents,
  );
  assert.deepEqual(await rowsOf(finding), { links: 0, evidence: 0 }, 'nothing of the failed statements is left');
  await link(pool, finding, asset);
  await evidence(pool, finding, asset);
  assert.deepEqual(await rowsOf(finding), { links: 1, evidence: 1 });
});

test("deleting a finding or an asset takes its links and evidence with it, and no one else's", async () => {
  const [kept, doomed, asset, doomedAsset] = [await newFinding(), await newFinding(), await newAsset(), await newAsset()];
  for (const f of [kept, doomed]) {
    for (const a of [asset, doomedAsset]) {
      await link(pool, f, a);
      await evidence(pool, f, a);
    }
  }
  await pool.query('DELETE FROM findings WHERE id = $1', [doomed]);
  assert.deepEqual(await rowsOf(doomed), { links: 0, evidence: 0 });
  assert.deepEqual(await rowsOf(kept), { links: 2, evidence: 2 });
  await pool.query('DELETE FROM assets WHERE id = $1', [doomedAsset]);
  assert.deepEqual(await rowsOf(kept), { links: 1, evidence: 1 });
});

test('the finding and asset of a link or evidence row cannot change', async () => {
  const [finding, other, asset] = [await newFinding(), await newFinding(), await newAsset()];
  await link(pool, finding, asset);
  await evidence(pool, finding, asset);
  await assert.rejects(pool.query('UPDATE finding_assets SET finding_id = $2 WHERE finding_id = $1', [finding, other]), violatesParents);
  await assert.rejects(pool.query('UPDATE evidence SET asset_id = 999999 WHERE finding_id = $1', [finding]), violatesParents);
  await pool.query(`UPDATE finding_assets SET details = '[{"port": 443}]' WHERE finding_id = $1`, [finding]);
});

/** A transaction on its own connection, left open until the test ends it. */
async function begin(): Promise<pg.PoolClient> {
  const client = await pool.connect();
  await client.query('BEGIN');
  return client;
}

async function end(client: pg.PoolClient, how: 'COMMIT' | 'ROLLBACK'): Promise<void> {
  await client.query(how);
  client.release();
}

/** True when `work` is still pending after a moment: it waits on a lock. */
async function isWaiting(work: Promise<unknown>): Promise<boolean> {
  return Promise.race([work.then(() => false, () => false), new Promise<boolean>((r) => setTimeout(() => r(true), 300))]);
}

test('a delete of a finding that an open transaction has just linked waits for it, then removes the new rows too', async () => {
  const [finding, asset] = [await newFinding(), await newAsset()];
  const importer = await begin();
  await link(importer, finding, asset);
  await evidence(importer, finding, asset);
  const deletion = pool.query('DELETE FROM findings WHERE id = $1', [finding]);
  assert.equal(await isWaiting(deletion), true, 'the delete waits for the linking transaction');
  await end(importer, 'COMMIT');
  await deletion;
  assert.deepEqual(await rowsOf(finding), { links: 0, evidence: 0 }, 'no orphan left behind');
});

test('a link to a finding whose delete is in progress waits for it, and fails once the delete commits', async () => {
  const [finding, asset] = [await newFinding(), await newAsset()];
  const deleter = await begin();
  await deleter.query('DELETE FROM findings WHERE id = $1', [finding]);
  const linking = link(pool, finding, asset);
  assert.equal(await isWaiting(linking), true, 'the link waits for the deleting transaction');
  await end(deleter, 'COMMIT');
  await assert.rejects(linking, violatesParents);
  assert.deepEqual(await rowsOf(finding), { links: 0, evidence: 0 });

  const [kept, keptAsset] = [await newFinding(), await newAsset()];
  const undecided = await begin();
  await undecided.query('DELETE FROM findings WHERE id = $1', [kept]);
  const linkingKept = link(pool, kept, keptAsset);
  await end(undecided, 'ROLLBACK');
  await linkingKept;
  assert.deepEqual(await rowsOf(kept), { links: 1, evidence: 0 }, 'a delete rolled back leaves the link in place');
});
