/**
 * Findings made by people rather than imported from a tool (API, bulk import) have source
 * `manual`, so they never collide with a tool's findings, and are keyed by their normalised title
 * within the report: two manual findings of one report cannot share a title.
 */
export const MANUAL_SOURCE = 'manual';

export function manualFindingKey(title: string): string {
  return title.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}
