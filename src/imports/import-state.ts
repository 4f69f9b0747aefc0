/**
 * One engine, three front doors: the internal state of an import and how each front door spells it.
 */
export type ImportState = 'queued' | 'running' | 'succeeded' | 'failed';

/** Spec 1 (scanner file imports) status words. */
export const FILE_IMPORT_STATUS: Record<ImportState, string> = {
  queued: 'IN QUEUE',
  running: 'PROCESSING',
  succeeded: 'IMPORT COMPLETE',
  failed: 'ERROR',
};

/** Spec 4 (bulk object imports) status words. */
export const BULK_IMPORT_STATUS: Record<ImportState, string> = {
  queued: 'Pending',
  running: 'InProgress',
  succeeded: 'Completed',
  failed: 'Failed',
};

export function isTerminal(state: ImportState): boolean {
  return state === 'succeeded' || state === 'failed';
}
