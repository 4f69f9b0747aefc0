/** Spec 3's shapes: connectors, applications and application imports. */
import type { Connector } from '../../connectors/model.js';
import type { ApplicationRow } from '../../db/repositories/connectors.repository.js';
import type { ApplicationImportRow, ImportFileRow } from '../../db/repositories/application-imports.repository.js';
import { applicationImportStatus } from '../../imports/import-state.js';

export function connectorView(c: Connector) {
  return {
    id: c.id,
    kind: 'Connector',
    name: c.name,
    type: c.kind,
    builtIn: c.tenantId === null,
    fileGroups: c.fileGroups.map((g) => ({ id: g.id, name: g.name, required: g.required, role: g.role, accountColumn: g.accountColumn, columns: g.columns })),
  };
}

export function applicationView(a: ApplicationRow) {
  return {
    id: a.id,
    kind: 'Application',
    name: a.name,
    connectorId: a.connector_id,
    isArchived: a.is_archived,
    lastUpdated: a.updated_at.toISOString(),
    createdAt: a.created_at.toISOString(),
  };
}

export function applicationImportView(row: ApplicationImportRow, files: ImportFileRow[]) {
  return {
    id: row.id,
    kind: 'Application Import',
    number: row.import_number,
    type: row.import_type,
    status: applicationImportStatus(row.state, row.cancel_requested),
    createdBy: row.created_by,
    buildStart: row.started_at ? row.started_at.toISOString() : null,
    buildEnd: row.finished_at ? row.finished_at.toISOString() : null,
    log: row.build_log,
    files: files.map((f) => ({ id: f.id, fileGroupId: f.file_group_id, fileGroup: f.file_group_name, name: f.name })),
    metrics: row.metrics,
  };
}

/** A list item also names its application. */
export function applicationImportListView(row: ApplicationImportRow, files: ImportFileRow[]) {
  return {
    ...applicationImportView(row, files),
    application: {
      id: row.application_id,
      kind: 'Application',
      name: row.application_name,
      isArchived: row.application_archived,
      lastUpdated: row.application_updated_at.toISOString(),
    },
  };
}
