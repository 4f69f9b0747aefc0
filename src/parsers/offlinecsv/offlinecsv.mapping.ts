/**
 * One data row of a generic findings CSV → its records: a finding, and per asset named in the row
 * an asset and a link. The column meanings come from offlinecsv.columns.ts; the rules for each
 * value are in docs/csv-format.md.
 */
import { isIP } from 'node:net';
import { assetKey, type AssetData, type FindingData, type ParsedRecord } from '../contract.js';
import { ParseError, type ParsePosition } from '../parse-error.js';
import type { CsvRow } from '../support/csv.js';
import { compact, nonEmpty, parseScore, parseWholeNumber, unique } from '../support/fields.js';
import type { ColumnMap, Role } from './offlinecsv.columns.js';
import { cvesIn, cwesIn, isoDate, looksLikeVector, severityOf, splitList, titleKey } from './offlinecsv.values.js';

interface Cell {
  value: string;
  column: string;
  index: number;
}

/**
 * Cells of one row looked up by role. Values are trimmed; blank cells count as absent. The cells
 * a lookup hands out are marked used: whatever is left (columns without a role, a second
 * description column with other text…) is kept as custom fields rather than lost.
 */
class RowCells {
  private readonly used = new Set<number>();

  constructor(
    private readonly row: CsvRow,
    private readonly columns: readonly string[],
    private readonly map: ColumnMap,
  ) {}

  /** The first non-blank cell among the role's columns, in priority order. */
  first(role: Role): Cell | undefined {
    const cells = this.all(role, false);
    const chosen = cells[0];
    // Other columns of the role repeating the same text add nothing: they count as used too.
    for (const cell of cells) if (cell.value === chosen?.value) this.used.add(cell.index);
    return chosen;
  }

  /** Every non-blank cell among the role's columns. */
  all(role: Role, markUsed = true): Cell[] {
    return (this.map.roles.get(role) ?? []).flatMap((index) => {
      const value = this.row.cells[index]?.trim() ?? '';
      if (value === '') return [];
      if (markUsed) this.used.add(index);
      return [{ value, column: this.columns[index]!, index }];
    });
  }

  /** The non-blank cells no lookup used, as [column name, text]: the custom fields. */
  unused(): [string, string][] {
    return this.row.cells.flatMap((cell, index) => {
      const value = cell.trim();
      return value !== '' && !this.used.has(index) ? [[this.columns[index]!, value] as [string, string]] : [];
    });
  }
}

export function rowPosition(row: CsvRow): ParsePosition {
  return { line: row.line, column: 1, record: row.record };
}

/** Whether every cell of the row is blank (spreadsheets leave such rows at the end): skipped. */
export function isBlankRow(row: CsvRow): boolean {
  return row.cells.every((cell) => cell.trim() === '');
}

export function rowRecords(row: CsvRow, columns: readonly string[], map: ColumnMap): ParsedRecord[] {
  const cells = new RowCells(row, columns, map);
  const title = cells.first('title');
  if (!title) {
    const column = columns[map.roles.get('title')?.[0] ?? 0];
    throw new ParseError(`row ${row.record} has a blank title (column "${column}"); every finding needs one`, rowPosition(row));
  }
  const findingKey = cells.first('id')?.value ?? titleKey(title.value);
  const names = splitList(cells.first('asset')?.value ?? '');
  // Without an asset there is no link to carry port, evidence…: those cells stay custom fields.
  const detail = names.length > 0 ? linkDetail(cells) : {};
  const assets = names.map((name) => ({ key: assetKey(name), data: assetData(name, names.length === 1 ? cells : undefined) }));
  // Last, so that the custom fields are exactly the cells nothing else used.
  const finding = findingData(row, cells, title.value);

  const records: ParsedRecord[] = [{ kind: 'finding', key: findingKey, data: finding }];
  for (const asset of assets) {
    records.push({ kind: 'asset', key: asset.key, data: asset.data });
    records.push({ kind: 'link', findingKey, assetKey: asset.key, detail });
  }
  return records;
}

function findingData(row: CsvRow, cells: RowCells, title: string): FindingData {
  const severityCell = cells.first('severity');
  const severity = severityOf(severityCell?.value ?? '');
  if (!severity) {
    throw new ParseError(
      `row ${row.record} has severity "${severityCell?.value}"; expected Critical, High, Medium, Low, Informational ` +
        '(or crit, med, moderate, info, none), a level 0 to 4, or a CVSS score from 0.0 to 10.0',
      rowPosition(row),
    );
  }
  const unparsed = new Map<string, string>();
  const keep = (cell: Cell | undefined): undefined => {
    if (cell && !isPlaceholder(cell.value)) unparsed.set(cell.column, cell.value);
    return undefined;
  };
  const listOf = (role: Role, read: (text: string) => string[]): string[] | undefined => {
    const found = cells.all(role).flatMap((cell) => {
      const values = read(cell.value);
      if (values.length === 0) keep(cell); // nothing recognisable: keep the text rather than lose it
      return values;
    });
    return nonEmpty(unique(found));
  };
  const v3 = scoreAndVector(cells.first('cvssV3Score'), cells.first('cvssV3Vector'), keep);
  const v2 = scoreAndVector(cells.first('cvssV2Score'), cells.first('cvssV2Vector'), keep);
  const firstSeen = cells.first('firstSeen');
  const lastSeen = cells.first('lastSeen');
  const data: FindingData = compact({
    title,
    severity,
    toolSeverity: severityCell?.value,
    description: cells.first('description')?.value,
    solution: cells.first('solution')?.value,
    references: nonEmpty(unique(cells.all('references').flatMap((cell) => splitList(cell.value)))),
    cves: listOf('cves', cvesIn),
    cwes: listOf('cwes', cwesIn),
    cvssV3Score: v3.score,
    cvssV3Vector: v3.vector,
    cvssV2Score: v2.score,
    cvssV2Vector: v2.vector,
    firstSeen: firstSeen && (isoDate(firstSeen.value) ?? keep(firstSeen)),
    lastSeen: lastSeen && (isoDate(lastSeen.value) ?? keep(lastSeen)),
  });
  // fromEntries defines own properties: a column named "__proto__" stays a plain key.
  const extra = Object.fromEntries([...cells.unused(), ...unparsed]);
  return Object.keys(extra).length > 0 ? { ...data, extra } : data;
}

/** A score column may hold a vector instead; a score that is not 0–10 is kept as a custom field. */
function scoreAndVector(
  scoreCell: Cell | undefined,
  vectorCell: Cell | undefined,
  keep: (cell: Cell | undefined) => undefined,
): { score?: number; vector?: string } {
  let vector = vectorCell?.value;
  let score: number | undefined;
  if (scoreCell && looksLikeVector(scoreCell.value)) {
    if (vector === undefined) vector = scoreCell.value;
    else keep(scoreCell);
  } else if (scoreCell) {
    score = parseScore(scoreCell.value);
    if (score === undefined || score < 0 || score > 10) score = keep(scoreCell);
  }
  return { score, vector };
}

/**
 * The asset as written. Host details from other columns (ip, hostname, os, mac) belong to it only
 * when the row names a single asset; an IP address or a URL also says something by itself.
 */
function assetData(name: string, cells: RowCells | undefined): AssetData {
  return compact({
    name,
    ip: cells?.first('ip')?.value ?? (isIP(name) !== 0 ? name : undefined),
    hostname: cells?.first('hostname')?.value ?? urlHostname(name),
    os: cells?.first('os')?.value,
    mac: cells?.first('mac')?.value,
  });
}

/** Where on the asset, and what proves it: the same for every asset the row names. */
function linkDetail(cells: RowCells): Record<string, unknown> {
  const port = cells.first('port')?.value;
  return compact({
    port: port === undefined ? undefined : parseWholeNumber(port) ?? port,
    protocol: cells.first('protocol')?.value,
    service: cells.first('service')?.value,
    path: cells.first('path')?.value,
    location: cells.first('location')?.value,
    parameter: cells.first('parameter')?.value,
    evidence: cells.first('evidence')?.value,
  });
}

function urlHostname(text: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  try {
    return new URL(text).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** Texts that mean "nothing here" in hand-written sheets. */
function isPlaceholder(text: string): boolean {
  return /^(n\/?a|none|null|nil|-+|—|–)$/i.test(text.trim());
}
