/** WriteupsDB: repositories (CUID ids) and the writeups in them, for one tenant at a time. */
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import { isCuid, newCuid } from '../domain/cuid.js';
import {
  deleteWriteup,
  getRepository,
  getWriteup,
  insertRepository,
  insertWriteup,
  listRepositories,
  listWriteups,
  type RepositoryRow,
  type WriteupRow,
} from '../db/repositories/writeups.repository.js';
import { writeupInput } from './writeup-input.js';

interface Owner {
  tenantId: number;
  userId: number;
}

export class WriteupsService {
  constructor(private readonly pool: Pool) {}

  createRepository(owner: Owner, name: string, description: string): Promise<RepositoryRow> {
    return insertRepository(this.pool, { id: newCuid(), tenantId: owner.tenantId, name: name.trim(), description, createdBy: owner.userId });
  }

  listRepositories(tenantId: number): Promise<RepositoryRow[]> {
    return listRepositories(this.pool, tenantId);
  }

  async repository(tenantId: number, id: string): Promise<RepositoryRow> {
    const repository = isCuid(id) ? await getRepository(this.pool, tenantId, id) : null;
    if (!repository) throw new AppError('REPOSITORY_NOT_FOUND', `no WriteupsDB repository "${id}"`);
    return repository;
  }

  /** A writeup from a finding's JSON (or a writeup's own fields) and the target repository's id. */
  async createWriteup(owner: Owner, body: Record<string, unknown>): Promise<WriteupRow> {
    const input = writeupInput(body);
    await this.repository(owner.tenantId, input.repositoryId);
    return insertWriteup(this.pool, { ...input, tenantId: owner.tenantId, createdBy: owner.userId });
  }

  async writeup(tenantId: number, id: string | number): Promise<WriteupRow> {
    const number = writeupNumber(id);
    const writeup = number === null ? null : await getWriteup(this.pool, tenantId, number);
    if (!writeup) throw new AppError('WRITEUP_NOT_FOUND', `no writeup "${id}"`);
    return writeup;
  }

  listWriteups(tenantId: number, repositoryId?: string): Promise<WriteupRow[]> {
    return listWriteups(this.pool, tenantId, repositoryId);
  }

  async deleteWriteup(tenantId: number, id: string): Promise<WriteupRow> {
    const writeup = await this.writeup(tenantId, id);
    await deleteWriteup(this.pool, tenantId, writeup.id);
    return writeup;
  }
}

/** Writeups are named by number (`104560`) or by PlexTrac's document id (`template_104560`). */
export function writeupNumber(id: string | number): number | null {
  const match = /^(?:template_)?(\d{1,15})$/.exec(String(id).trim());
  return match ? Number(match[1]) : null;
}
