/** Parser actions as Intake's v2 routes and PlexTrac's v1 routes show them. */
import type { ParserActionRow } from '../../db/repositories/parser-actions.repository.js';

export function parserActionView(a: ParserActionRow) {
  return {
    id: a.id,
    source: a.source,
    toolId: a.tool_key,
    title: a.title,
    description: a.description ?? '',
    action: a.action,
    /** The severity an import with parser actions gives; null: the tool's own. */
    severity: a.severity,
    originalSeverity: a.original_severity,
    writeupId: a.writeup_id,
    writeupLabel: a.writeup_title,
    updatedBy: a.updated_by_email,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
  };
}

/** PlexTrac's shape (parser-actions export scripts): `id` is the tool's id (plugin id). */
export function plexParserActionView(a: ParserActionRow) {
  return {
    id: a.tool_key,
    action: a.action,
    severity: a.severity ?? a.original_severity,
    original_severity: a.original_severity,
    title: a.title,
    description: a.description ?? '',
    writeupID: a.writeup_id === null ? null : String(a.writeup_id),
    writeupLabel: a.writeup_title,
    writeup:
      a.writeup_id === null
        ? null
        : { id: `template_${a.writeup_id}`, doc_id: a.writeup_id, title: a.writeup_title, repositoryId: a.writeup_repository_id },
    log_trail: [] as unknown[],
  };
}
