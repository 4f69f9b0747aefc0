/**
 * The staging writer on a real PostgreSQL. Evidence keys start with a digest of the evidence's
 * label and content; PostgreSQL computes it as it inserts, and it must be byte for byte the digest
 * earlier releases computed in JavaScript (SHA-256 of label, NUL, content, as UTF-8), or
 * re-importing a file imported before would add its evidence a second time.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from '../src/db/pool.js';
import { StagingWriter } from '../src/imports/staging-writer.js';
import { createSchemaDatabase, type SchemaDatabase } from './helpers/database.js';

let database: SchemaDatabase;
let pool: Pool;
let importId: string;

before(async () => {
  database = await createSchemaDatabase('Staging');
  pool = database.pool;
  const tenant = database.tenantId;
  const user = (await pool.query("INSERT INTO users (tenant_id, email, password_hash) VALUES ($1, 'staging@example.test', 'x') RETURNING id", [tenant])).rows[0].id;
  importId = randomUUID();
  await pool.query(
    `INSERT INTO imports (id, tenant_id, user_id, source, file_location, original_filename, file_type, state, attempt)
     VALUES ($1, $2, $3, 'nessus', 'x', 'x.nessus', 'xml', 'running', 1)`,
    [importId, tenant, user],
  );
});

after(async () => {
  await database?.drop();
});

/** What releases before PostgreSQL computed the digest stored for the same evidence. */
const digestInJavaScript = (label: string, content: string) => createHash('sha256').update(label).update('\0').update(content).digest('hex');

test('evidence digests computed by PostgreSQL equal the JavaScript digest of label, NUL and content', async () => {
  const samples = [
    { label: 'plugin_output', content: 'The remote host is running OpenSSH 7.4' },
    { label: '', content: '' },
    { label: 'request', content: 'GET /caf\u00e9 HTTP/1.1\r\nHost: xn--caf-dma.example\r\n\r\n' },
    { label: 'response', content: 'Gr\u00fc\u00dfe \u65e5\u672c \u{1F512} \t end' },
    { label: 'tricky', content: 'a\\x00b \\ backslashes and \'quotes\' and "doubles"' },
  ];
  const writer = new StagingWriter(pool, importId, 1);
  for (const [i, sample] of samples.entries()) {
    await writer.add({ kind: 'evidence', findingKey: 'plugin', assetKey: `host-${i}`, ...sample });
  }
  await writer.flush();
  const { rows } = await pool.query('SELECT asset_key, label, content, content_hash FROM staging_evidence WHERE import_id = $1 ORDER BY seq', [importId]);
  assert.equal(rows.length, samples.length);
  for (const [i, sample] of samples.entries()) {
    assert.deepEqual({ label: rows[i].label, content: rows[i].content }, sample, 'stored as given');
    assert.equal(rows[i].content_hash, digestInJavaScript(sample.label, sample.content), `digest of sample ${i}`);
  }
});

test('every kind of record is staged as given, NUL and lone surrogates stored as U+FFFD', async () => {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO imports (id, tenant_id, user_id, source, file_location, original_filename, file_type, state, attempt)
     SELECT $1, tenant_id, user_id, 'nuclei', 'x', 'x.json', 'json', 'running', 1 FROM imports WHERE id = $2`,
    [id, importId],
  );
  const odd = 'nul \u0000 high \ud800 low \udc00 pair \u{1F512} quote " backslash \\ tab \t';
  const stored = 'nul \uFFFD high \uFFFD low \uFFFD pair \u{1F512} quote " backslash \\ tab \t';
  const writer = new StagingWriter(pool, id, 1);
  await writer.add({ kind: 'asset', key: `host ${odd}`, data: { name: odd, extra: { n: 1.5 } } });
  await writer.add({ kind: 'finding', key: `rule ${odd}`, data: { title: odd, severity: 'High', cves: ['CVE-1', odd], cvssV3Score: 9.8 } });
  await writer.add({ kind: 'link', findingKey: `rule ${odd}`, assetKey: `host ${odd}`, detail: { port: 443, path: odd } });
  await writer.add({ kind: 'evidence', findingKey: `rule ${odd}`, assetKey: `host ${odd}`, label: odd, content: odd });
  await writer.flush();
  const one = async (sql: string) => (await pool.query(sql, [id])).rows[0];
  assert.deepEqual(await one('SELECT seq, identity, data FROM staging_assets WHERE import_id = $1'), {
    seq: 1, identity: `host ${stored}`, data: { name: stored, extra: { n: 1.5 } },
  });
  assert.deepEqual(await one('SELECT seq, tool_key, title, severity, data FROM staging_findings WHERE import_id = $1'), {
    seq: 2, tool_key: `rule ${stored}`, title: stored, severity: 'High', data: { cves: ['CVE-1', stored], cvssV3Score: 9.8 },
  });
  assert.deepEqual(await one('SELECT seq, finding_key, asset_key, detail FROM staging_links WHERE import_id = $1'), {
    seq: 3, finding_key: `rule ${stored}`, asset_key: `host ${stored}`, detail: { port: 443, path: stored },
  });
  const evidence = await one('SELECT seq, label, content, content_hash FROM staging_evidence WHERE import_id = $1');
  assert.deepEqual(evidence, { seq: 4, label: stored, content: stored, content_hash: digestInJavaScript(stored, stored) });
});
