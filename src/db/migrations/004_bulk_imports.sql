-- Bulk object imports (spec 4) ride on the imports table (kind = 'bulk'): the same row, job,
-- states and worker machinery as file imports. The request body is stored as an object
-- (file_location); `source` holds the object kind (clients, assets, findings, users).

ALTER TABLE imports
  ADD COLUMN total_objects integer NOT NULL DEFAULT 0,
  ADD COLUMN processed_objects integer NOT NULL DEFAULT 0,
  ADD COLUMN created_objects integer NOT NULL DEFAULT 0,
  ADD COLUMN failed_objects integer NOT NULL DEFAULT 0,
  ADD COLUMN report_location text;

-- One active bulk job per user, enforced by the database: two racing requests cannot both pass.
CREATE UNIQUE INDEX imports_one_active_bulk_per_user ON imports (user_id)
  WHERE kind = 'bulk' AND state IN ('queued', 'running');

-- The outcome of each object of a bulk import. Written in the same transaction as the objects
-- it created, so a retried job skips what an earlier attempt finished and creates nothing twice.
CREATE TABLE bulk_results (
  import_id       uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  input_index     integer NOT NULL,
  status          text NOT NULL CHECK (status IN ('created', 'failed')),
  object_id       text,
  failure_reason  text,
  input_preview   text NOT NULL,
  PRIMARY KEY (import_id, input_index)
);

-- Idempotency-Key: the same key from the same user within 24 hours names the same request.
CREATE TABLE idempotency_keys (
  user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  import_id     uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);

-- Tenant users get a display name (bulk user imports carry one).
ALTER TABLE users ADD COLUMN name text;
