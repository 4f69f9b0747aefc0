/**
 * One engine, three front doors: the internal state of an import and how each front door spells it.
 */
export type ImportState = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** Spec 1 (scanner file imports) status words. */
export const FILE_IMPORT_STATUS: Record<ImportState, string> = {
  queued: 'IN QUEUE',
  running: 'PROCESSING',
  succeeded: 'IMPORT COMPLETE',
  failed: 'ERROR',
  canceled: 'ERROR',
};

/** Spec 4 (bulk object imports) status words. */
export const BULK_IMPORT_STATUS: Record<ImportState, string> = {
  queued: 'Pending',
  running: 'InProgress',
  succeeded: 'Completed',
  failed: 'Failed',
  canceled: 'Failed',
};

/** Spec 3 (connector file imports) status words; `Canceling` is a cancel asked of an unfinished import. */
export function applicationImportStatus(state: ImportState, cancelRequested: boolean): string {
  if (cancelRequested && (state === 'queued' || state === 'running')) return 'Canceling';
  return { queued: 'Pending', running: 'Running', succeeded: 'Finished', failed: 'Failed', canceled: 'Canceled' }[state];
}

export function isTerminal(state: ImportState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'canceled';
}
