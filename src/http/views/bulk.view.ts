/** Spec 4's status shapes of a bulk import request. */
import type { BulkImportRow } from '../../bulk/bulk.repository.js';
import { requestIdOf } from '../../bulk/bulk-import.service.js';
import { BULK_IMPORT_STATUS } from '../../imports/import-state.js';

/** `reportUrl` is made by the caller: a presigned GET of the report, dated at the job's completion. */
export function bulkStatusView(row: BulkImportRow, reportUrl: string | null) {
  const base = { requestId: requestIdOf(row.id), status: BULK_IMPORT_STATUS[row.state] as 'Pending' | 'InProgress' | 'Completed' | 'Failed' };
  switch (row.state) {
    case 'queued':
      return base;
    case 'running':
      return { ...base, progress: { total: row.total_objects, processed: row.processed_objects } };
    case 'succeeded':
      return {
        ...base,
        result: { summary: { total: row.total_objects, created: row.created_objects, failed: row.failed_objects }, reportUrl: reportUrl ?? '' },
      };
    case 'failed':
      return { ...base, error: row.error_status ?? 'the import job failed' };
  }
}
