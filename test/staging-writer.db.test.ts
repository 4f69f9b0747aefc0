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
