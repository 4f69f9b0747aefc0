-- Content around imports (spec 2): images for rich-text fields, WriteupsDB repositories and
-- writeups, parser actions, questionnaires and client assessments. Every row belongs to a tenant.

-- Files uploaded for rich-text fields (POST /api/v1/uploads). `name` is what the URL carries:
-- '<uuid>.<ext>' for a recognised image, '<uuid>' for anything else (served as a byte stream).
CREATE TABLE uploaded_files (
  name          text PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants(id),
  user_id       bigint NOT NULL REFERENCES users(id),
  object_key    text NOT NULL,
  -- null: not a recognised image
  content_type  text,
  size          bigint NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploaded_files_tenant_idx ON uploaded_files (tenant_id, created_at);

-- WriteupsDB: repositories (CUID-like ids, as PlexTrac's) of writeups (reusable finding texts).
CREATE TABLE writeup_repositories (
  id           text PRIMARY KEY,
  tenant_id    bigint NOT NULL REFERENCES tenants(id),
  name         text NOT NULL,
  description  text NOT NULL DEFAULT '',
  created_by   bigint REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX writeup_repositories_tenant_idx ON writeup_repositories (tenant_id, created_at);

CREATE TABLE writeups (
  id             bigserial PRIMARY KEY,
  tenant_id      bigint NOT NULL REFERENCES tenants(id),
  repository_id  text NOT NULL REFERENCES writeup_repositories(id) ON DELETE CASCADE,
  title          text NOT NULL,
  severity       text NOT NULL,
  -- description, recommendations, references, fields, common_identifiers, risk_score, source…
  data           jsonb NOT NULL DEFAULT '{}'::jsonb,
  tags           text[] NOT NULL DEFAULT '{}',
  created_by     bigint REFERENCES users(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX writeups_repository_idx ON writeups (tenant_id, repository_id, id);

-- Parser actions: one row per tenant and (source, tool id) an import has met. Recorded by the
-- import's commit; applied by imports that ask for them (useParserActions).
CREATE TABLE parser_actions (
  id                 bigserial PRIMARY KEY,
  tenant_id          bigint NOT NULL REFERENCES tenants(id),
  source             text NOT NULL,
  tool_key           text NOT NULL,
  title              text NOT NULL,
  description        text,
  original_severity  text NOT NULL,
  action             text NOT NULL DEFAULT 'DEFAULT',
  -- null: keep the severity the tool gives
  severity           text,
  -- LINK target; a deleted writeup leaves the action behaving as DEFAULT
  writeup_id         bigint REFERENCES writeups(id) ON DELETE SET NULL,
  updated_by         bigint REFERENCES users(id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT parser_actions_action_check CHECK (action IN ('DEFAULT', 'IGNORE', 'LINK')),
  UNIQUE (tenant_id, source, tool_key)
);

-- Questionnaires (assessment templates) and the assessments taken from them for a client. An
-- assessment keeps its own copy of the questions, so later edits to the questionnaire do not
-- change what was answered.
CREATE TABLE questionnaires (
  id            bigserial PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants(id),
  title         text NOT NULL,
  framework_id  text NOT NULL DEFAULT 'custom',
  questions     jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by    bigint REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX questionnaires_tenant_idx ON questionnaires (tenant_id, id);

CREATE TABLE client_assessments (
  id                bigserial PRIMARY KEY,
  tenant_id         bigint NOT NULL REFERENCES tenants(id),
  client_id         bigint NOT NULL REFERENCES clients(id),
  questionnaire_id  bigint NOT NULL REFERENCES questionnaires(id),
  title             text NOT NULL,
  questions         jsonb NOT NULL DEFAULT '[]'::jsonb,
  answers           jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- null: In Process (saveOnly); set: Completed
  completed_at      timestamptz,
  created_by        bigint REFERENCES users(id),
  updated_by        bigint REFERENCES users(id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX client_assessments_client_idx ON client_assessments (tenant_id, client_id, id);
