/**
 * Parser actions applied by an import that asks for them (`useParserActions: true`): the tenant's
 * actions for the import's source are loaded once, then every parsed record passes through a
 * small transform before staging:
 * - IGNORE: the finding is not imported, nor its links and evidence (its assets still are: an
 *   asset listed in a file is imported even when nothing is found on it);
 * - LINK: the finding takes the linked writeup's title, description and recommendations;
 * - a severity set on the action replaces the tool's severity (whatever the action).
 * A LINK whose writeup was deleted behaves as DEFAULT.
 */
import type { Queryable } from '../db/pool.js';
import type { ParsedRecord, Severity } from '../parsers/contract.js';
import { loadActiveParserActions, type ActiveParserAction } from '../db/repositories/parser-actions.repository.js';

export interface FindingRewrite {
  title?: string;
  description?: string;
  solution?: string;
  severity?: Severity;
}

export interface ParserActionRules {
  ignored: ReadonlySet<string>;
  rewrites: ReadonlyMap<string, FindingRewrite>;
}

export async function loadParserActionRules(db: Queryable, tenantId: number, source: string): Promise<ParserActionRules> {
  return compileParserActions(await loadActiveParserActions(db, tenantId, source));
}

export function compileParserActions(actions: readonly ActiveParserAction[]): ParserActionRules {
  const ignored = new Set<string>();
  const rewrites = new Map<string, FindingRewrite>();
  for (const a of actions) {
    if (a.action === 'IGNORE') {
      ignored.add(a.tool_key);
      continue;
    }
    const rewrite: FindingRewrite = {};
    if (a.action === 'LINK' && a.writeup_title !== null) {
      const writeup = a.writeup_data ?? {};
      rewrite.title = a.writeup_title;
      rewrite.description = textOf(writeup.description);
      rewrite.solution = textOf(writeup.recommendations);
    }
    if (a.severity) rewrite.severity = a.severity as Severity;
    if (Object.keys(rewrite).length > 0) rewrites.set(a.tool_key, rewrite);
  }
  return { ignored, rewrites };
}

export async function* applyParserActions(records: AsyncIterable<ParsedRecord>, rules: ParserActionRules): AsyncIterable<ParsedRecord> {
  if (rules.ignored.size === 0 && rules.rewrites.size === 0) {
    yield* records;
    return;
  }
  for await (const record of records) {
    switch (record.kind) {
      case 'finding': {
        if (rules.ignored.has(record.key)) break;
        const rewrite = rules.rewrites.get(record.key);
        yield rewrite ? { ...record, data: { ...record.data, ...rewrite } } : record;
        break;
      }
      case 'link':
      case 'evidence':
        if (!rules.ignored.has(record.findingKey)) yield record;
        break;
      default:
        yield record;
    }
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
