-- Links (finding_assets) and evidence name a finding and an asset. Until now each of those was a
-- foreign key, which PostgreSQL checks with one query per inserted row: an import's commit spent
-- about 45 % of its two largest statements in those checks (EXPLAIN ANALYZE of a 100 MB Nessus
-- commit: 54,300 links, 1.3 s of 2.9 s; 52,994 evidence rows, 1.6 s of 3.3 s). The same
-- guarantees, checked once per statement:
--
-- * insert: after each statement, the distinct parents of the new rows are locked FOR KEY SHARE
--   (the lock a foreign-key check takes), then any new row whose finding or asset does not exist
--   fails the statement with foreign_key_violation (23503). A delete of a parent that committed
--   first is seen by that check; one that comes later waits for the lock, i.e. for this
--   transaction, and then removes the new rows with the parent (below).
-- * delete of a finding or an asset: its links and evidence go with it, in one statement per
--   table (ON DELETE CASCADE did one query per deleted parent).
-- * the finding and asset of a link or evidence row never change (no code changes them; a row
--   trigger refuses it, so the insert check cannot be bypassed).
ALTER TABLE finding_assets DROP CONSTRAINT finding_assets_finding_id_fkey, DROP CONSTRAINT finding_assets_asset_id_fkey;
ALTER TABLE evidence DROP CONSTRAINT evidence_finding_id_fkey, DROP CONSTRAINT evidence_asset_id_fkey;

CREATE FUNCTION check_link_parents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  orphan record;
BEGIN
  PERFORM 1 FROM findings WHERE id IN (SELECT finding_id FROM added) ORDER BY id FOR KEY SHARE;
  PERFORM 1 FROM assets WHERE id IN (SELECT asset_id FROM added) ORDER BY id FOR KEY SHARE;
  SELECT n.finding_id, n.asset_id INTO orphan FROM added n
   WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.id = n.finding_id)
      OR NOT EXISTS (SELECT 1 FROM assets a WHERE a.id = n.asset_id)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert into "%" names finding % and asset %, and one of them does not exist', TG_TABLE_NAME, orphan.finding_id, orphan.asset_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER finding_assets_parents AFTER INSERT ON finding_assets
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION check_link_parents();
CREATE TRIGGER evidence_parents AFTER INSERT ON evidence
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION check_link_parents();

CREATE FUNCTION refuse_link_parent_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.finding_id IS DISTINCT FROM OLD.finding_id OR NEW.asset_id IS DISTINCT FROM OLD.asset_id THEN
    RAISE EXCEPTION 'the finding and asset of a row of "%" cannot change', TG_TABLE_NAME USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER finding_assets_fixed_parents BEFORE UPDATE OF finding_id, asset_id ON finding_assets
  FOR EACH ROW EXECUTE FUNCTION refuse_link_parent_change();
CREATE TRIGGER evidence_fixed_parents BEFORE UPDATE OF finding_id, asset_id ON evidence
  FOR EACH ROW EXECUTE FUNCTION refuse_link_parent_change();

CREATE FUNCTION delete_finding_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM evidence e USING gone g WHERE e.finding_id = g.id;
  DELETE FROM finding_assets l USING gone g WHERE l.finding_id = g.id;
  RETURN NULL;
END $$;

CREATE FUNCTION delete_asset_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM evidence e USING gone g WHERE e.asset_id = g.id;
  DELETE FROM finding_assets l USING gone g WHERE l.asset_id = g.id;
  RETURN NULL;
END $$;

CREATE TRIGGER findings_children AFTER DELETE ON findings
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION delete_finding_children();
CREATE TRIGGER assets_children AFTER DELETE ON assets
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION delete_asset_children();
