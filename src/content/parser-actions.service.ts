/**
 * Listing and changing parser actions. The rows themselves are recorded by imports (see
 * commit-import.ts); users choose per row: DEFAULT, IGNORE, or LINK to a writeup of their tenant,
 * and optionally a severity that replaces the tool's.
 */
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import { getParser } from '../parsers/registry.js';
import { getWriteup } from '../db/repositories/writeups.repository.js';
import {
  findParserAction,
  getParserAction,
  listParserActions,
  updateParserAction,
  type ParserActionFilter,
  type ParserActionKind,
  type ParserActionRow,
} from '../db/repositories/parser-actions.repository.js';
import { severityOf } from './flaw-input.js';
import { writeupNumber } from './writeups.service.js';

export const ACTIONS: readonly ParserActionKind[] = ['DEFAULT', 'IGNORE', 'LINK'];

export interface ParserActionChange {
  action: string;
  /** null or absent: the tool's own severity. */
  severity?: string | null;
  /** The writeup a LINK uses (number or `template_<n>`); ignored for other actions. */
  writeupId?: string | number | null;
}

export class ParserActionsService {
  constructor(private readonly pool: Pool) {}

  list(tenantId: number, filter: Omit<ParserActionFilter, 'source' | 'action'> & { source?: string; action?: string }) {
    return listParserActions(this.pool, tenantId, {
      ...filter,
      source: filter.source ? canonicalSource(filter.source) : undefined,
      action: filter.action ? actionOf(filter.action) : undefined,
    });
  }

  async byId(tenantId: number, id: number): Promise<ParserActionRow> {
    const row = await getParserAction(this.pool, tenantId, id);
    if (!row) throw new AppError('PARSER_ACTION_NOT_FOUND', `no parser action ${id}`);
    return row;
  }

  /** PlexTrac names an action by parser and tool id (plugin id). */
  async byToolId(tenantId: number, source: string, toolId: string): Promise<ParserActionRow> {
    const row = await findParserAction(this.pool, tenantId, canonicalSource(source), toolId);
    if (!row) throw new AppError('PARSER_ACTION_NOT_FOUND', `no parser action for ${source} id "${toolId}"`);
    return row;
  }

  /** Sets action, severity and writeup together (absent severity or writeup clears them). */
  async change(caller: { tenantId: number; userId: number }, row: ParserActionRow, change: ParserActionChange): Promise<ParserActionRow> {
    const action = actionOf(change.action);
    const severity = change.severity === undefined || change.severity === null || change.severity === '' ? null : severityOf(change.severity);
    let writeupId: number | null = null;
    if (action === 'LINK') {
      const given = change.writeupId;
      if (given === undefined || given === null || given === '') {
        throw new AppError('PARSER_ACTION_INVALID', `action LINK needs writeupId, the writeup whose text the finding takes; found nothing`);
      }
      const number = writeupNumber(given);
      const writeup = number === null ? null : await getWriteup(this.pool, caller.tenantId, number);
      if (!writeup) throw new AppError('PARSER_ACTION_INVALID', `writeupId ${JSON.stringify(given)} names no writeup of this tenant`);
      writeupId = writeup.id;
    }
    await updateParserAction(this.pool, caller.tenantId, row.id, { action, severity, writeupId, updatedBy: caller.userId });
    return this.byId(caller.tenantId, row.id);
  }
}

function actionOf(value: string): ParserActionKind {
  const upper = value.trim().toUpperCase();
  // PlexTrac's own scripts also write PASS_THROUGH for "Default".
  const action = upper === 'PASS_THROUGH' ? 'DEFAULT' : ACTIONS.find((a) => a === upper);
  if (!action) throw new AppError('PARSER_ACTION_INVALID', `action must be one of ${ACTIONS.join(', ')}; found "${value}"`);
  return action;
}

/** Sources are stored under the parser's canonical name (`zap` → `owaspzap`). */
function canonicalSource(source: string): string {
  return getParser(source.trim().toLowerCase())?.source ?? source.trim().toLowerCase();
}
