-- A presigned upload key starts at most one import: a replayed request cannot import it again.
ALTER TABLE upload_keys ADD COLUMN used_by_import uuid REFERENCES imports(id) ON DELETE SET NULL;
ALTER TABLE upload_keys ADD COLUMN used_at timestamptz;
