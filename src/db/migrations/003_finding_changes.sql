-- What an import did to the report's findings: created, updated (content or affected assets
-- changed) or unchanged.
ALTER TABLE imports
  ADD COLUMN findings_created integer NOT NULL DEFAULT 0,
  ADD COLUMN findings_updated integer NOT NULL DEFAULT 0,
  ADD COLUMN findings_unchanged integer NOT NULL DEFAULT 0;
