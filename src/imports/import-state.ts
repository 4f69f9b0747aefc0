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

export function isTerminal(state: ImportState): boolean {
  return state === 'succeeded' || state === 'failed';
}
