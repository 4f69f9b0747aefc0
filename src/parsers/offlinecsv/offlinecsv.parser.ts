/**
 * Generic findings CSV (`offlinecsv`, alias `csv`): one finding per row, in any tool's words. The
 * columns, their synonyms (PlexTrac's offline CSV template included) and the rules for each value
 * are documented in docs/csv-format.md. Read row by row through CsvReader: flat memory whatever
 * the file size.
 *
 * Identity rules:
 * - finding key: the row's id cell (a column named id, finding id, plugin id, vulnerability id,
 *   rule id, qid…) when the file has one and the cell is not blank; otherwise the normalised
 *   title (trimmed, runs of white space made one space, lower-cased, NFKC), so "SQL  Injection"
 *   and "sql injection" are one finding;
 * - asset key: each asset named in the row's asset cell (asset, affected_assets, host, hostname,
 *   ip, target, url… — the first non-blank in that order; several separated by line breaks, `,`
 *   or `;`), trimmed and lower-cased. A row without an asset gives a finding without a link.
 * - link: one per (finding, asset) of a row; port, protocol, service, path, location, parameter
 *   and evidence columns are its detail. No evidence records (DESIGN.md: none for this format).
 *
 * Empty and wrong files: an empty file (no header row) is a ParseError; a header row alone is a
 * valid report with zero records. A header without a title and a severity column is not this
 * format (ParseError listing what was found). A row with a blank title or an unknown severity is
 * a ParseError naming the row and its line. Rows whose cells are all blank are skipped.
 */
import type { ByteSource, ParseOptions, ParsedRecord, Parser } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { CsvReader, headerCells, type CsvHeader } from '../support/csv.js';
import { looksLikeFindingsHeader, mapColumns, namesFor, type ColumnMap } from './offlinecsv.columns.js';
import { isBlankRow, rowRecords } from './offlinecsv.mapping.js';

export const offlinecsvParser: Parser = {
  source: 'offlinecsv',
  aliases: ['csv'],
  displayName: 'Findings CSV (generic, PlexTrac offline CSV template)',
  fileTypes: ['.csv', '.tsv', '.txt'],
  sniff: sniffFindingsCsv,
  parse: parseFindingsCsv,
};

/** A first line naming a title-ish and a severity-ish column; never XML or JSON. */
function sniffFindingsCsv(head: string): boolean {
  if (/^[<{[]/.test(head.replace(/^\uFEFF/, '').trimStart())) return false;
  const cells = headerCells(head);
  return cells !== undefined && looksLikeFindingsHeader(cells);
}

async function* parseFindingsCsv(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const csv = new CsvReader(input, options);
  try {
    const header = await csv.header();
    const columns = requireFindingColumns(header);
    for await (const row of csv.rows()) {
      if (!isBlankRow(row)) yield* rowRecords(row, header.columns, columns);
    }
  } finally {
    await csv.close();
  }
}

function requireFindingColumns(header: CsvHeader): ColumnMap {
  const columns = mapColumns(header.columns);
  const missing = (['title', 'severity'] as const).filter((role) => !columns.roles.has(role));
  if (missing.length === 0) return columns;
  const wanted = missing.map((role) => `a ${role} column (${namesFor(role).slice(0, 4).join(', ')}…)`).join(' and ');
  throw new ParseError(`expected a findings CSV header row with ${wanted}; found ${describeColumns(header.columns)}`, {
    line: header.line,
    column: 1,
  });
}

/** The header as found, shortened: a wrong file's first line can be long (XML, JSON). */
function describeColumns(columns: readonly string[]): string {
  const text = columns.map((name) => JSON.stringify(name)).join(', ');
  const shown = text.length > 160 ? `${text.slice(0, 160)}…` : text;
  return `${columns.length === 1 ? '1 column' : `${columns.length} columns`}: ${shown}`;
}
