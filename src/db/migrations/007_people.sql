-- People and access: roles, deactivation, the instance admin, TOTP multi-factor, login rate
-- limiting that holds across api processes, MFA login challenges, and personal API tokens.

-- Roles are ADMIN, ANALYST and READ_ONLY. Bulk user imports wrote 'USER' before; it meant an
-- ordinary member, which is what ANALYST is.
UPDATE users SET role = 'ANALYST' WHERE role NOT IN ('ADMIN', 'ANALYST', 'READ_ONLY');
ALTER TABLE users
  ADD CONSTRAINT users_role_check CHECK (role IN ('ADMIN', 'ANALYST', 'READ_ONLY')),
  ADD COLUMN is_active boolean NOT NULL DEFAULT true,
  -- The instance admin creates tenants. The user that first start created is one.
  ADD COLUMN is_instance_admin boolean NOT NULL DEFAULT false,
  -- TOTP (RFC 6238): the base32 secret once confirmed, a secret waiting for its first code, and
  -- the last time step accepted, so that a code cannot be used twice.
  ADD COLUMN mfa_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN mfa_secret text,
  ADD COLUMN mfa_pending_secret text,
  ADD COLUMN mfa_last_step bigint,
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

UPDATE users SET is_instance_admin = true WHERE id = (SELECT min(id) FROM users);

CREATE INDEX users_tenant_idx ON users (tenant_id, id);

-- Failed (or in-flight) authentication attempts, keyed by `account:<email>` or `address:<ip>`.
-- An attempt is recorded before the password is checked and removed when it succeeds, so that
-- concurrent guesses count against the limit too.
CREATE TABLE auth_failures (
  id         bigserial PRIMARY KEY,
  key        text NOT NULL,
  failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX auth_failures_key_idx ON auth_failures (key, failed_at);
CREATE INDEX auth_failures_time_idx ON auth_failures (failed_at);

-- The `code` that POST /api/v1/authenticate returns to a user with MFA: stored hashed, single use.
CREATE TABLE auth_challenges (
  code_hash   text PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX auth_challenges_expiry_idx ON auth_challenges (expires_at);

-- Personal access tokens (`pa_…`), stored as the SHA-256 of the whole token.
CREATE TABLE api_tokens (
  id            bigserial PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants(id),
  user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (tenant_id, user_id, id);
CREATE UNIQUE INDEX api_tokens_active_name_key ON api_tokens (user_id, lower(name)) WHERE revoked_at IS NULL;
