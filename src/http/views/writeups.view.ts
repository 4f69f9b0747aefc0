/** PlexTrac's shapes of WriteupsDB repositories and writeups ("templates"). */
import type { RepositoryRow, WriteupRow } from '../../db/repositories/writeups.repository.js';

export function repositoryView(r: RepositoryRow) {
  return {
    repositoryId: r.id,
    name: r.name,
    description: r.description,
    doc_type: 'writeups_repository',
    repositoryType: 'OPEN',
    repositoryUsers: [] as unknown[],
    tenantId: r.tenant_id,
    writeupsCount: r.writeups_count,
    isDeleted: false,
    createdAt: r.created_at.getTime(),
    updatedAt: r.updated_at.getTime(),
  };
}

export function writeupView(w: WriteupRow) {
  const data = w.data as Record<string, unknown>;
  return {
    ...data,
    id: `template_${w.id}`,
    doc_id: w.id,
    doc_type: 'template',
    tenantId: w.tenant_id,
    repositoryId: w.repository_id,
    title: w.title,
    severity: w.severity,
    description: data.description ?? '',
    recommendations: data.recommendations ?? '',
    references: data.references ?? '',
    source: data.source ?? 'Custom',
    tags: w.tags,
    fields: data.fields ?? {},
    isDeleted: false,
    createdBy: w.created_by,
    createdAt: w.created_at.getTime(),
    updatedAt: w.updated_at.getTime(),
  };
}
