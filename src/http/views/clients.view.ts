/** PlexTrac's shapes of clients and reports (see docs/plextrac-compat.md). */
import type { ClientRow, ReportRow } from '../../db/repositories/clients.repository.js';

export function clientView(c: ClientRow) {
  return {
    ...c.data,
    client_id: c.id,
    tenant_id: c.tenant_id,
    name: c.name,
    doc_type: 'client',
    tags: Array.isArray(c.data.tags) ? c.data.tags : [],
    created_at: c.created_at.toISOString(),
  };
}

export function reportView(r: ReportRow) {
  return {
    ...r.data,
    report_id: r.id,
    client_id: r.client_id,
    tenant_id: r.tenant_id,
    name: r.name,
    status: r.status,
    doc_type: 'report',
    reportType: 'default',
    tags: Array.isArray(r.data.tags) ? r.data.tags : [],
    start_date: r.data.start_date ?? null,
    end_date: r.data.end_date ?? null,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

/** A row of GET /client/{id}/reports: PlexTrac's positional `data` array. */
export function reportRowView(r: ReportRow) {
  const tags = Array.isArray(r.data.tags) ? r.data.tags : [];
  return {
    id: r.id,
    doc_id: [r.id],
    data: [r.id, r.name, null, r.status, null, [], [], Math.floor(r.created_at.getTime() / 1000),
      r.data.start_date ?? r.created_at.toISOString(), r.data.end_date ?? null, tags, '', '', null],
  };
}
