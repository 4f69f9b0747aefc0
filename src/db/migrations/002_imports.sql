-- Upload keys, import rows, the live findings/assets tables and the per-import staging tables.

-- A presigned upload key belongs to the tenant and user it was issued to.
CREATE TABLE upload_keys (
  key          text PRIMARY KEY,
  tenant_id    bigint NOT NULL REFERENCES tenants(id),
  user_id      bigint NOT NULL REFERENCES users(id),
  file_name    text NOT NULL,
  max_bytes    bigint NOT NULL,
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE imports (
  id                        uuid PRIMARY KEY,
  kind                      text NOT NULL DEFAULT 'file',
  tenant_id                 bigint NOT NULL REFERENCES tenants(id),
  user_id                   bigint NOT NULL REFERENCES users(id),
  client_id                 bigint REFERENCES clients(id),
  report_id                 bigint REFERENCES reports(id),
  source                    text NOT NULL,
  file_location             text NOT NULL,
  original_filename         text NOT NULL,
  file_type                 text NOT NULL,
  file_size                 bigint NOT NULL DEFAULT 0,
  parser_actions_enabled    boolean NOT NULL DEFAULT false,
  processed_bytes           bigint NOT NULL DEFAULT 0,
  processed_findings        integer NOT NULL DEFAULT 0,
  processed_assets          integer NOT NULL DEFAULT 0,
  processed_finding_assets  integer NOT NULL DEFAULT 0,
  processed_evidence        integer NOT NULL DEFAULT 0,
  asset_tags                text[] NOT NULL DEFAULT '{}',
  finding_tags              text[] NOT NULL DEFAULT '{}',
  -- internal state: queued | running | succeeded | failed (each front door spells it its own way)
  state                     text NOT NULL DEFAULT 'queued',
  error_status              text,
  -- fencing token: bumped by every attempt; only the latest attempt may commit
  attempt                   integer NOT NULL DEFAULT 0,
  created_at                timestamptz NOT NULL DEFAULT now(),
  last_updated_at           timestamptz NOT NULL DEFAULT now(),
  started_at                timestamptz,
  finished_at               timestamptz,
  failure_notified_at       timestamptz,
  CONSTRAINT imports_state_check CHECK (state IN ('queued', 'running', 'succeeded', 'failed'))
);
CREATE INDEX imports_user_recent_idx ON imports (tenant_id, user_id, created_at DESC);

CREATE TABLE assets (
  id           bigserial PRIMARY KEY,
  tenant_id    bigint NOT NULL REFERENCES tenants(id),
  client_id    bigint NOT NULL REFERENCES clients(id),
  identity     text NOT NULL,
  data         jsonb NOT NULL DEFAULT '{}'::jsonb,
  tags         text[] NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (client_id, identity)
);

CREATE TABLE findings (
  id           bigserial PRIMARY KEY,
  tenant_id    bigint NOT NULL REFERENCES tenants(id),
  client_id    bigint NOT NULL REFERENCES clients(id),
  report_id    bigint NOT NULL REFERENCES reports(id),
  source       text NOT NULL,
  tool_key     text NOT NULL,
  title        text NOT NULL,
  severity     text NOT NULL,
  status       text NOT NULL DEFAULT 'Open',
  data         jsonb NOT NULL DEFAULT '{}'::jsonb,
  tags         text[] NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (report_id, source, tool_key)
);

CREATE TABLE finding_assets (
  finding_id   bigint NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
  asset_id     bigint NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  details      jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (finding_id, asset_id)
);
CREATE INDEX finding_assets_asset_idx ON finding_assets (asset_id);

-- evidence_key = content hash + occurrence number of that content within the pair, so that a
-- re-import of the same file finds the same keys and adds nothing.
CREATE TABLE evidence (
  id            bigserial PRIMARY KEY,
  finding_id    bigint NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
  asset_id      bigint NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  evidence_key  text NOT NULL,
  label         text NOT NULL,
  content       text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (finding_id, asset_id, evidence_key)
);

-- Staging: what one import attempt has parsed so far. UNLOGGED because a crash only means the
-- attempt is retried from the file, which still exists.
CREATE UNLOGGED TABLE staging_assets (
  import_id  uuid NOT NULL,
  seq        bigint NOT NULL,
  identity   text NOT NULL,
  data       jsonb NOT NULL
);
CREATE INDEX staging_assets_idx ON staging_assets (import_id);

CREATE UNLOGGED TABLE staging_findings (
  import_id  uuid NOT NULL,
  seq        bigint NOT NULL,
  tool_key   text NOT NULL,
  title      text NOT NULL,
  severity   text NOT NULL,
  data       jsonb NOT NULL
);
CREATE INDEX staging_findings_idx ON staging_findings (import_id, tool_key);

CREATE UNLOGGED TABLE staging_links (
  import_id     uuid NOT NULL,
  seq           bigint NOT NULL,
  finding_key   text NOT NULL,
  asset_key     text NOT NULL,
  detail        jsonb NOT NULL
);
CREATE INDEX staging_links_idx ON staging_links (import_id);

CREATE UNLOGGED TABLE staging_evidence (
  import_id     uuid NOT NULL,
  seq           bigint NOT NULL,
  finding_key   text NOT NULL,
  asset_key     text NOT NULL,
  label         text NOT NULL,
  content       text NOT NULL,
  content_hash  text NOT NULL
);
CREATE INDEX staging_evidence_idx ON staging_evidence (import_id);

-- Merges two JSON objects: later keys win, earlier keys survive, and members that are objects on
-- both sides (a finding's `extra`) are merged the same way one level down.
CREATE FUNCTION jsonb_merge(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT a || b || COALESCE(
    (SELECT jsonb_object_agg(k, (a -> k) || (b -> k)) FROM jsonb_object_keys(b) AS k
      WHERE jsonb_typeof(a -> k) = 'object' AND jsonb_typeof(b -> k) = 'object'),
    '{}'::jsonb)
$$;

-- Records of one finding or asset seen several times in a file each contribute what they have.
CREATE AGGREGATE jsonb_merge_agg(jsonb) (SFUNC = jsonb_merge, STYPE = jsonb, INITCOND = '{}');
