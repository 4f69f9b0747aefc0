/**
 * Findings made and changed through the API (PlexTrac's flaw create, update, delete). Findings
 * made here are `manual` ones (see domain/manual-finding.ts): keyed by their title within the
 * report, so they never collide with a tool's findings and two of them cannot share a title.
 */
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import { getReport } from '../db/repositories/clients.repository.js';
import { getFinding, type FindingRow } from '../db/repositories/findings.repository.js';
import { deleteFinding, insertFinding, updateFinding } from '../db/repositories/finding-writes.repository.js';
import { MANUAL_SOURCE, manualFindingKey } from '../domain/manual-finding.js';
import { flawWrite, type FlawBody } from './flaw-input.js';

export interface FlawTarget {
  tenantId: number;
  clientId: number;
  reportId: number;
}

export class FindingsService {
  constructor(private readonly pool: Pool) {}

  async create(target: FlawTarget, body: FlawBody): Promise<FindingRow> {
    await this.mustReport(target);
    const write = flawWrite(body);
    if (!write.title || !write.severity || !write.status) {
      throw new AppError('VALIDATION_FAILED', 'title, severity, description and status are required to create a finding');
    }
    const created = await insertFinding(this.pool, {
      ...target,
      source: MANUAL_SOURCE,
      toolKey: manualFindingKey(write.title),
      title: write.title,
      severity: write.severity,
      status: write.status,
      data: write.data,
      tags: write.tags ?? [],
    });
    if (!created) throw titleClash(write.title, target.reportId);
    return created;
  }

  /**
   * Clients update a finding by GETting it, changing members and PUTting the whole object back:
   * members sent replace what is stored, members not sent are kept, read-only ones are ignored.
   */
  async update(target: FlawTarget, findingId: number, body: FlawBody): Promise<FindingRow> {
    await this.mustReport(target);
    const existing = await getFinding(this.pool, target.tenantId, target.reportId, findingId);
    if (!existing) throw notFound(findingId, target.reportId);
    const write = flawWrite(body);
    // A manual finding's key follows its title; a tool's finding keeps the tool's id.
    const toolKey = existing.source === MANUAL_SOURCE && write.title ? manualFindingKey(write.title) : undefined;
    const outcome = await updateFinding(this.pool, target.tenantId, target.reportId, findingId, { ...write, toolKey });
    if ('clash' in outcome) throw titleClash(write.title ?? existing.title, target.reportId);
    if ('missing' in outcome) throw notFound(findingId, target.reportId);
    return outcome.updated;
  }

  async remove(target: FlawTarget, findingId: number): Promise<void> {
    await this.mustReport(target);
    if (!(await deleteFinding(this.pool, target.tenantId, target.reportId, findingId))) throw notFound(findingId, target.reportId);
  }

  private async mustReport(target: FlawTarget): Promise<void> {
    if (!(await getReport(this.pool, target.tenantId, target.clientId, target.reportId))) {
      throw new AppError('REPORT_NOT_FOUND', `report ${target.reportId} not found for client ${target.clientId}`);
    }
  }
}

function notFound(findingId: number, reportId: number): AppError {
  return new AppError('FINDING_NOT_FOUND', `finding ${findingId} not found in report ${reportId}`);
}

function titleClash(title: string, reportId: number): AppError {
  return new AppError('FINDING_EXISTS', `report ${reportId} already has a finding titled "${title}"; titles of manual findings are unique within a report`);
}
