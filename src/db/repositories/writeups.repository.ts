/** WriteupsDB: repositories and their writeups, always scoped by tenant. */
import type { Queryable } from '../pool.js';

export interface RepositoryRow {
  id: string;
  tenant_id: number;
  name: string;
  description: string;
  created_at: Date;
  updated_at: Date;
  writeups_count: number;
}

export interface WriteupRow {
  id: number;
  tenant_id: number;
  repository_id: string;
  title: string;
  severity: string;
  data: Record<string, unknown>;
  tags: string[];
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

const REPOSITORY_COLUMNS = `r.*, (SELECT count(*) FROM writeups w WHERE w.repository_id = r.id)::int AS writeups_count`;

export async function insertRepository(
  db: Queryable,
  r: { id: string; tenantId: number; name: string; description: string; createdBy: number },
): Promise<RepositoryRow> {
  const { rows } = await db.query(
    `WITH r AS (INSERT INTO writeup_repositories (id, tenant_id, name, description, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *)
     SELECT r.*, 0 AS writeups_count FROM r`,
    [r.id, r.tenantId, r.name, r.description, r.createdBy],
  );
  return rows[0];
}

export async function listRepositories(db: Queryable, tenantId: number): Promise<RepositoryRow[]> {
  const { rows } = await db.query(`SELECT ${REPOSITORY_COLUMNS} FROM writeup_repositories r WHERE r.tenant_id = $1 ORDER BY r.created_at, r.id`, [tenantId]);
  return rows;
}

export async function getRepository(db: Queryable, tenantId: number, id: string): Promise<RepositoryRow | null> {
  const { rows } = await db.query(`SELECT ${REPOSITORY_COLUMNS} FROM writeup_repositories r WHERE r.tenant_id = $1 AND r.id = $2`, [tenantId, id]);
  return rows[0] ?? null;
}

export async function insertWriteup(
  db: Queryable,
  w: { tenantId: number; repositoryId: string; title: string; severity: string; data: Record<string, unknown>; tags: string[]; createdBy: number },
): Promise<WriteupRow> {
  const { rows } = await db.query(
    `INSERT INTO writeups (tenant_id, repository_id, title, severity, data, tags, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [w.tenantId, w.repositoryId, w.title, w.severity, w.data, w.tags, w.createdBy],
  );
  return rows[0];
}

export async function getWriteup(db: Queryable, tenantId: number, id: number): Promise<WriteupRow | null> {
  const { rows } = await db.query('SELECT * FROM writeups WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return rows[0] ?? null;
}

/** The tenant's writeups, or one repository's when `repositoryId` is given. */
export async function listWriteups(db: Queryable, tenantId: number, repositoryId?: string): Promise<WriteupRow[]> {
  const { rows } = await db.query(
    'SELECT * FROM writeups WHERE tenant_id = $1 AND ($2::text IS NULL OR repository_id = $2) ORDER BY id',
    [tenantId, repositoryId ?? null],
  );
  return rows;
}

export async function deleteWriteup(db: Queryable, tenantId: number, id: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM writeups WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return (rowCount ?? 0) > 0;
}
