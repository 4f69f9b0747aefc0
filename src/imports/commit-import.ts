/**
 * The one transaction that makes an import visible: re-check the fencing token, merge staging into
 * the live tables with upserts on the identity keys, record the counters, mark the import complete
 * and drop its staging rows. Readers see all of an import or none of it.
 */
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { StaleAttemptError } from './stale-attempt.js';
import type { ImportRow } from '../db/repositories/imports.repository.js';
import { clearStaging } from './staging-writer.js';
import { recordParserActions } from '../db/repositories/parser-actions.repository.js';

export interface ImportCounts {
  findings: number;
  assets: number;
  findingAssets: number;
  evidence: number;
}

export interface FindingChanges {
  created: number;
  updated: number;
  unchanged: number;
}

export async function commitImport(pool: Pool, row: ImportRow, attempt: number): Promise<ImportCounts & { changes: FindingChanges }> {
  return withTransaction(pool, async (db) => {
    const { rows: current } = await db.query('SELECT attempt, state FROM imports WHERE id = $1 FOR UPDATE', [row.id]);
    if (current[0]?.attempt !== attempt || current[0]?.state !== 'running') throw new StaleAttemptError(row.id, attempt);
    // Merges into one report run one at a time (parsing still runs in parallel): created/updated
    // counts stay exact and concurrent imports never race on the same findings.
    await db.query('SELECT id FROM reports WHERE id = $1 FOR UPDATE', [row.report_id]);
    // The merges sort every link and evidence row; with the default 4 MB they spill to disk.
    await db.query("SET LOCAL work_mem = '64MB'");

    const id = row.id;
    const counts = await countStaged(db, id, attempt);
    // Assets named only by a link still exist: the union makes them live too.
    await db.query(
      `INSERT INTO assets (tenant_id, client_id, identity, data, tags)
       SELECT $2, $3, s.identity, s.data, ARRAY(SELECT DISTINCT t FROM unnest($4::text[]) t ORDER BY t) FROM (
         SELECT identity, jsonb_merge_agg(data ORDER BY seq) AS data FROM (
           SELECT identity, data, seq FROM staging_assets WHERE import_id = $1 AND attempt = $5
           UNION ALL
           SELECT DISTINCT asset_key, jsonb_build_object('name', asset_key), -1::bigint FROM staging_links WHERE import_id = $1 AND attempt = $5
         ) u GROUP BY identity
       ) s ORDER BY s.identity
       ON CONFLICT (client_id, identity) DO UPDATE
         SET data = jsonb_merge(assets.data, excluded.data),
             tags = ARRAY(SELECT DISTINCT t FROM unnest(assets.tags || excluded.tags) t ORDER BY t),
             updated_at = now()`,
      [id, row.tenant_id, row.client_id, row.asset_tags, attempt],
    );
    const { rows: touchedFindings } = await db.query<{ id: number; created: boolean }>(
      `INSERT INTO findings (tenant_id, client_id, report_id, source, tool_key, title, severity, data, tags)
       SELECT $2, $3, $4, $5, s.tool_key, s.title, s.severity, s.data, ARRAY(SELECT DISTINCT t FROM unnest($6::text[]) t ORDER BY t) FROM (
         SELECT tool_key, (array_agg(title ORDER BY seq))[1] AS title, (array_agg(severity ORDER BY seq))[1] AS severity,
                jsonb_merge_agg(data ORDER BY seq) AS data
           FROM staging_findings WHERE import_id = $1 AND attempt = $7 GROUP BY tool_key
       ) s ORDER BY s.tool_key
       ON CONFLICT (report_id, source, tool_key) DO UPDATE
         SET title = excluded.title, severity = excluded.severity, data = jsonb_merge(findings.data, excluded.data),
             tags = ARRAY(SELECT DISTINCT t FROM unnest(findings.tags || excluded.tags) t ORDER BY t),
             updated_at = now()
         WHERE (findings.title, findings.severity, findings.data, findings.tags)
               IS DISTINCT FROM (excluded.title, excluded.severity, jsonb_merge(findings.data, excluded.data),
                                 ARRAY(SELECT DISTINCT t FROM unnest(findings.tags || excluded.tags) t ORDER BY t))
       RETURNING id, (xmax = 0) AS created`,
      [id, row.tenant_id, row.client_id, row.report_id, row.source, row.finding_tags, attempt],
    );
    // Only the distinct findings come back: a row per link or evidence would put every one of
    // them in this process's memory at once (a million for a 1 GB scan).
    const { rows: touchedLinks } = await db.query<{ finding_id: number }>(
      `WITH touched AS (
       INSERT INTO finding_assets (finding_id, asset_id, details)
       SELECT f.id, a.id, l.details FROM (
         SELECT finding_key, asset_key, jsonb_agg(DISTINCT detail) AS details
           FROM staging_links WHERE import_id = $1 AND attempt = $5 GROUP BY finding_key, asset_key
       ) l
       JOIN findings f ON f.report_id = $2 AND f.source = $3 AND f.tool_key = l.finding_key
       JOIN assets a ON a.client_id = $4 AND a.identity = l.asset_key
       ORDER BY f.id, a.id
       ON CONFLICT (finding_id, asset_id) DO UPDATE
         SET details = (SELECT jsonb_agg(DISTINCT d) FROM jsonb_array_elements(finding_assets.details || excluded.details) d),
             updated_at = now()
         WHERE (SELECT jsonb_agg(DISTINCT d) FROM jsonb_array_elements(finding_assets.details || excluded.details) d)
               IS DISTINCT FROM (SELECT jsonb_agg(DISTINCT d) FROM jsonb_array_elements(finding_assets.details) d)
       RETURNING finding_id)
       SELECT DISTINCT finding_id FROM touched`,
      [id, row.report_id, row.source, row.client_id, attempt],
    );
    const { rows: touchedEvidence } = await db.query<{ finding_id: number }>(
      `WITH touched AS (
       INSERT INTO evidence (finding_id, asset_id, evidence_key, label, content)
       SELECT f.id, a.id, e.content_hash || ':' || e.occurrence, e.label, e.content FROM (
         SELECT finding_key, asset_key, label, content, content_hash,
                row_number() OVER (PARTITION BY finding_key, asset_key, content_hash ORDER BY seq) AS occurrence
           FROM staging_evidence WHERE import_id = $1 AND attempt = $5
       ) e
       JOIN findings f ON f.report_id = $2 AND f.source = $3 AND f.tool_key = e.finding_key
       JOIN assets a ON a.client_id = $4 AND a.identity = e.asset_key
       ON CONFLICT (finding_id, asset_id, evidence_key) DO NOTHING
       RETURNING finding_id)
       SELECT DISTINCT finding_id FROM touched`,
      [id, row.report_id, row.source, row.client_id, attempt],
    );
    const created = new Set(touchedFindings.filter((f) => f.created).map((f) => f.id));
    const updated = new Set([...touchedFindings.map((f) => f.id), ...touchedLinks.map((l) => l.finding_id), ...touchedEvidence.map((e) => e.finding_id)]);
    for (const findingId of created) updated.delete(findingId);
    const changes = { created: created.size, updated: updated.size, unchanged: counts.findings - created.size - updated.size };
    await db.query(
      `UPDATE imports SET state = 'succeeded', processed_bytes = file_size,
              processed_findings = $2, processed_assets = $3, processed_finding_assets = $4, processed_evidence = $5,
              findings_created = $6, findings_updated = $7, findings_unchanged = $8,
              finished_at = now(), last_updated_at = now()
        WHERE id = $1`,
      [id, counts.findings, counts.assets, counts.findingAssets, counts.evidence, changes.created, changes.updated, changes.unchanged],
    );
    // Every tool id this import met gets a (DEFAULT) parser action row for the tenant.
    await recordParserActions(db, id, attempt, row.tenant_id, row.source);
    await clearStaging(db, id, attempt);
    return { ...counts, changes };
  });
}

/** The four counters, by DESIGN.md's identity rules, from what this attempt staged. */
async function countStaged(db: { query: Pool['query'] }, importId: string, attempt: number): Promise<ImportCounts> {
  const { rows } = await db.query(
    `SELECT
       (SELECT count(DISTINCT tool_key) FROM staging_findings WHERE import_id = $1 AND attempt = $2) AS findings,
       (SELECT count(*) FROM (SELECT identity FROM staging_assets WHERE import_id = $1 AND attempt = $2
                              UNION SELECT asset_key FROM staging_links WHERE import_id = $1 AND attempt = $2) a) AS assets,
       (SELECT count(*) FROM (SELECT DISTINCT finding_key, asset_key FROM staging_links l WHERE import_id = $1 AND attempt = $2
                                AND EXISTS (SELECT 1 FROM staging_findings f WHERE f.import_id = $1 AND f.attempt = $2 AND f.tool_key = l.finding_key)) p) AS finding_assets,
       (SELECT count(*) FROM staging_evidence e WHERE import_id = $1 AND attempt = $2
                                AND EXISTS (SELECT 1 FROM staging_findings f WHERE f.import_id = $1 AND f.attempt = $2 AND f.tool_key = e.finding_key)) AS evidence`,
    [importId, attempt],
  );
  const r = rows[0];
  return { findings: Number(r.findings), assets: Number(r.assets), findingAssets: Number(r.finding_assets), evidence: Number(r.evidence) };
}
