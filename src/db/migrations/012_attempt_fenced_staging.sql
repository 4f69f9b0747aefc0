-- Rows an import attempt stages (and a connector build loads) carry the attempt that wrote them.
-- A worker that was presumed dead can wake up and go on writing after a newer attempt of the same
-- import has begun; its rows must never be counted or merged by the newer attempt. Writers insert
-- only while their attempt owns the import, and readers select the owning attempt's rows.
-- Rows already there were written by the import's current attempt (fencing starts now).
ALTER TABLE staging_assets ADD COLUMN attempt integer;
ALTER TABLE staging_findings ADD COLUMN attempt integer;
ALTER TABLE staging_links ADD COLUMN attempt integer;
ALTER TABLE staging_evidence ADD COLUMN attempt integer;
ALTER TABLE application_records ADD COLUMN attempt integer;
UPDATE staging_assets s SET attempt = i.attempt FROM imports i WHERE i.id = s.import_id;
UPDATE staging_findings s SET attempt = i.attempt FROM imports i WHERE i.id = s.import_id;
UPDATE staging_links s SET attempt = i.attempt FROM imports i WHERE i.id = s.import_id;
UPDATE staging_evidence s SET attempt = i.attempt FROM imports i WHERE i.id = s.import_id;
UPDATE application_records r SET attempt = i.attempt FROM imports i WHERE i.id = r.import_id;
-- Staged rows of an import that no longer exists cannot be merged by anyone.
DELETE FROM staging_assets WHERE attempt IS NULL;
DELETE FROM staging_findings WHERE attempt IS NULL;
DELETE FROM staging_links WHERE attempt IS NULL;
DELETE FROM staging_evidence WHERE attempt IS NULL;
ALTER TABLE staging_assets ALTER COLUMN attempt SET NOT NULL;
ALTER TABLE staging_findings ALTER COLUMN attempt SET NOT NULL;
ALTER TABLE staging_links ALTER COLUMN attempt SET NOT NULL;
ALTER TABLE staging_evidence ALTER COLUMN attempt SET NOT NULL;
ALTER TABLE application_records ALTER COLUMN attempt SET NOT NULL;
