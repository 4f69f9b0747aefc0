-- Connector file imports (spec 3): connectors with file groups, applications, and application
-- imports built by workers on the shared engine (imports.kind = 'application').

CREATE TABLE connectors (
  id          uuid PRIMARY KEY,
  -- NULL: built into Intake, visible to every tenant.
  tenant_id   bigint REFERENCES tenants(id),
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('file', 'api')),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One file a connector takes per import. `columns` is the CSV schema:
-- [{"name": "email", "required": true, "type": "email"}, …]; `role` says what the rows are.
CREATE TABLE connector_file_groups (
  id              uuid PRIMARY KEY,
  connector_id    uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
  name            text NOT NULL,
  required        boolean NOT NULL,
  position        integer NOT NULL,
  columns         jsonb NOT NULL,
  role            text NOT NULL DEFAULT 'other' CHECK (role IN ('accounts', 'privileges', 'other')),
  -- accounts: the column that identifies an account; privileges: the column naming the account.
  account_column  text
);

CREATE TABLE applications (
  id                 uuid PRIMARY KEY,
  tenant_id          bigint NOT NULL REFERENCES tenants(id),
  name               text NOT NULL,
  connector_id       uuid NOT NULL REFERENCES connectors(id),
  is_archived        boolean NOT NULL DEFAULT false,
  import_counter     integer NOT NULL DEFAULT 0,
  -- The finished import whose rows are the application's accounts and privileges now.
  current_import_id  uuid REFERENCES imports(id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_tenant_idx ON applications (tenant_id, created_at);

ALTER TABLE imports
  ADD COLUMN application_id uuid REFERENCES applications(id),
  ADD COLUMN import_number integer,
  ADD COLUMN import_type text,
  ADD COLUMN created_by text,
  ADD COLUMN build_log text,
  ADD COLUMN metrics jsonb,
  ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false;
ALTER TABLE imports DROP CONSTRAINT imports_state_check;
ALTER TABLE imports ADD CONSTRAINT imports_state_check CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled'));
CREATE INDEX imports_application_idx ON imports (application_id, import_number DESC) WHERE application_id IS NOT NULL;

CREATE TABLE application_import_files (
  id             uuid PRIMARY KEY,
  import_id      uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  file_group_id  uuid NOT NULL REFERENCES connector_file_groups(id),
  name           text NOT NULL,
  location       text NOT NULL,
  size           bigint NOT NULL
);
CREATE INDEX application_import_files_idx ON application_import_files (import_id);

-- Rows loaded by application imports. Only the application's current import's rows are its data;
-- rows of an import still building are invisible until it finishes and becomes current.
CREATE TABLE application_records (
  import_id      uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  file_group_id  uuid NOT NULL,
  line           integer NOT NULL,
  account_key    text,
  data           jsonb NOT NULL
);
CREATE INDEX application_records_idx ON application_records (import_id, file_group_id);

-- The built-in file connector "CSV Accounts" (fixed ids, so scripts can name its file groups).
INSERT INTO connectors (id, tenant_id, name, kind) VALUES ('a1b2c3d4-0000-0000-0000-000000000000', NULL, 'CSV Accounts', 'file');
INSERT INTO connector_file_groups (id, connector_id, name, required, position, columns, role, account_column) VALUES
  ('a1b2c3d4-0000-0000-0000-000000000001', 'a1b2c3d4-0000-0000-0000-000000000000', 'Employee File', true, 1,
   '[{"name": "id", "required": true, "type": "string"},
     {"name": "email", "required": true, "type": "email"},
     {"name": "display_name", "required": true, "type": "string"},
     {"name": "status", "required": true, "type": "string"},
     {"name": "department", "required": false, "type": "string"},
     {"name": "manager_id", "required": false, "type": "string"}]', 'accounts', 'id'),
  ('a1b2c3d4-0000-0000-0000-000000000002', 'a1b2c3d4-0000-0000-0000-000000000000', 'User Privileges File', false, 2,
   '[{"name": "account_id", "required": true, "type": "string"},
     {"name": "privilege", "required": true, "type": "string"},
     {"name": "resource", "required": false, "type": "string"}]', 'privileges', 'account_id');
