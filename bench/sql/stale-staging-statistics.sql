-- Reproduces the commit's planning cliff (docs/PERFORMANCE.md, "What limits it now"): when the
-- planner's statistics on the staging tables describe an earlier import, it estimates one row for
-- the current import's id and picks nested loops whose inner side walks every staged finding.
--
-- Run on a scratch database (it creates its own staging tables):
--   psql postgresql://postgres@127.0.0.1:5432/test -c 'CREATE DATABASE stale_stats'
--   psql postgresql://postgres@127.0.0.1:5432/stale_stats -f bench/sql/stale-staging-statistics.sql
--   psql postgresql://postgres@127.0.0.1:5432/test -c 'DROP DATABASE stale_stats'
--
-- The tables are those of src/db/migrations/002_imports.sql; the rows have the shape of a 500 MB
-- bench Nessus file (2000 plugins, 330,000 links, 280,000 plugin outputs). The query is the
-- finding_assets and evidence part of countStaged in src/imports/commit-import.ts.
\timing on
CREATE UNLOGGED TABLE staging_findings (import_id uuid NOT NULL, seq bigint NOT NULL, tool_key text NOT NULL, title text NOT NULL, severity text NOT NULL, data jsonb NOT NULL);
CREATE INDEX staging_findings_idx ON staging_findings (import_id, tool_key);
CREATE UNLOGGED TABLE staging_links (import_id uuid NOT NULL, seq bigint NOT NULL, finding_key text NOT NULL, asset_key text NOT NULL, detail jsonb NOT NULL);
CREATE INDEX staging_links_idx ON staging_links (import_id);
CREATE UNLOGGED TABLE staging_evidence (import_id uuid NOT NULL, seq bigint NOT NULL, finding_key text NOT NULL, asset_key text NOT NULL, label text NOT NULL, content text NOT NULL, content_hash text NOT NULL);
CREATE INDEX staging_evidence_idx ON staging_evidence (import_id);

CREATE FUNCTION stage(id uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO staging_findings SELECT id, g, (10000 + g * 7)::text, 'title', 'Low', '{}' FROM generate_series(0, 1999) g;
  INSERT INTO staging_links SELECT id, g, (10000 + (g % 2000) * 7)::text, '10.0.' || (g / 44), '{}' FROM generate_series(1, 330000) g;
  INSERT INTO staging_evidence SELECT id, g, (10000 + (g % 2000) * 7)::text, '10.0.' || (g / 40), 'port', repeat('x', 400), md5(g::text) FROM generate_series(1, 280000) g;
$$;

-- Import A is staged and analysed (autovacuum does this on its own when staging lasts long
-- enough), committed (its rows deleted), then import B is staged.
SELECT stage('00000000-0000-0000-0000-00000000000a');
ANALYZE staging_findings; ANALYZE staging_links; ANALYZE staging_evidence;
DELETE FROM staging_findings; DELETE FROM staging_links; DELETE FROM staging_evidence;
SELECT stage('00000000-0000-0000-0000-00000000000b');

\set q 'SELECT (SELECT count(*) FROM (SELECT DISTINCT finding_key, asset_key FROM staging_links l WHERE import_id = ''00000000-0000-0000-0000-00000000000b'' AND EXISTS (SELECT 1 FROM staging_findings f WHERE f.import_id = ''00000000-0000-0000-0000-00000000000b'' AND f.tool_key = l.finding_key)) p) AS finding_assets, (SELECT count(*) FROM staging_evidence e WHERE import_id = ''00000000-0000-0000-0000-00000000000b'' AND EXISTS (SELECT 1 FROM staging_findings f WHERE f.import_id = ''00000000-0000-0000-0000-00000000000b'' AND f.tool_key = e.finding_key)) AS evidence'
\echo '--- statistics describe import A (what the commit of import B meets today)'
EXPLAIN (ANALYZE, TIMING OFF) :q;
\echo '--- after ANALYZE of the staging tables'
ANALYZE staging_findings; ANALYZE staging_links; ANALYZE staging_evidence;
EXPLAIN (ANALYZE, TIMING OFF) :q;
