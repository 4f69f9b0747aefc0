/** Spec 1's shapes of an import: the full `importJob` object and the `my-imports` list item. */
import type { ImportListRow, ImportRow } from '../../db/repositories/imports.repository.js';
import { FILE_IMPORT_STATUS } from '../../imports/import-state.js';

export function importJobView(row: ImportRow, userEmail: string) {
  return {
    id: row.id,
    user_id: row.user_id,
    user_email: userEmail,
    tenant_id: row.tenant_id,
    client_id: row.client_id,
    report_id: row.report_id,
    source: row.source,
    file_location: row.file_location,
    original_filename: row.original_filename,
    file_type: row.file_type,
    // bigint columns are strings in the spec's example
    file_size: String(row.file_size),
    parser_actions_enabled: row.parser_actions_enabled,
    processed_bytes: String(row.processed_bytes),
    processed_findings: row.processed_findings,
    processed_assets: row.processed_assets,
    processed_finding_assets: row.processed_finding_assets,
    processed_evidence: row.processed_evidence,
    // Intake's addition: what the import did to the report's findings.
    findings_created: row.findings_created,
    findings_updated: row.findings_updated,
    findings_unchanged: row.findings_unchanged,
    asset_tags: row.asset_tags,
    finding_tags: row.finding_tags,
    created_at: row.created_at.toISOString(),
    last_updated_at: row.last_updated_at.toISOString(),
    failure_notified_at: row.failure_notified_at ? row.failure_notified_at.toISOString() : null,
    status: FILE_IMPORT_STATUS[row.state],
    error_status: row.error_status,
  };
}

export function myImportView(row: ImportListRow) {
  return {
    key: row.id,
    name: row.original_filename,
    reportName: row.report_name ?? '',
    clientName: row.client_name ?? '',
    fileSize: String(row.file_size),
    status: FILE_IMPORT_STATUS[row.state],
    progress: progressOf(row),
    errorStatus: row.error_status,
    source: row.source,
  };
}

/** 0–100 from bytes processed; 100 only once the import is complete. */
export function progressOf(row: Pick<ImportRow, 'state' | 'processed_bytes' | 'file_size'>): number {
  if (row.state === 'succeeded') return 100;
  if (row.file_size <= 0) return 0;
  return Math.min(99, Math.floor((row.processed_bytes * 100) / row.file_size));
}
