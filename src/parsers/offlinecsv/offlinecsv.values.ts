/**
 * Cell-level readers for the generic findings CSV: severities, lists, identifiers, dates. Pure
 * functions of one cell's text; the rules are written down in docs/csv-format.md.
 */
import type { Severity } from '../contract.js';
import { cwesInText, normaliseCwe, unique } from '../support/fields.js';

const SEVERITY_WORDS: Readonly<Record<string, Severity>> = {
  critical: 'Critical', crit: 'Critical',
  high: 'High',
  medium: 'Medium', med: 'Medium', moderate: 'Medium',
  low: 'Low',
  informational: 'Informational', information: 'Informational', info: 'Informational', none: 'Informational',
};

/** Nessus-style 0–4 levels, for a bare whole number 0 to 4. */
const LEVELS: readonly Severity[] = ['Informational', 'Low', 'Medium', 'High', 'Critical'];

/**
 * The severity a cell names, or undefined when it names none. Blank is Informational (as in
 * PlexTrac's template). Words are case-insensitive. A bare whole number 0–4 is a level
 * (0 Informational … 4 Critical); any other number from 0 to 10 (5, 7.5, 4.0) is a CVSS score
 * rated as CVSS v3 does: 0 Informational, under 4 Low, under 7 Medium, under 9 High, else Critical.
 */
export function severityOf(cell: string): Severity | undefined {
  const text = cell.trim().toLowerCase();
  if (text === '') return 'Informational';
  const word = SEVERITY_WORDS[text];
  if (word) return word;
  if (/^[0-4]$/.test(text)) return LEVELS[Number(text)];
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const score = Number(text);
  if (score > 10) return undefined;
  if (score === 0) return 'Informational';
  if (score < 4) return 'Low';
  if (score < 7) return 'Medium';
  if (score < 9) return 'High';
  return 'Critical';
}

/** The finding key from a title: trimmed, inner white space made one space, lower-cased, NFKC-normalised. */
export function titleKey(title: string): string {
  return title.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Several values in one cell, separated by line breaks, `,` or `;`. Inside a URL a `,` or `;`
 * belongs to the URL unless a space, the end of the cell or another URL follows it, so
 * `https://x.test/?a=1,2` stays one value while `https://a.test, https://b.test` is two.
 */
export function splitList(cell: string): string[] {
  const values: string[] = [];
  let current = '';
  const push = (): void => {
    if (current.trim() !== '') values.push(current.trim());
    current = '';
  };
  for (let i = 0; i < cell.length; i++) {
    const char = cell[i]!;
    if (char === '\n' || char === '\r') {
      push();
    } else if ((char === ',' || char === ';') && endsValue(cell, i, current)) {
      push();
    } else {
      current += char;
    }
  }
  push();
  return unique(values);
}

function endsValue(cell: string, at: number, current: string): boolean {
  if (!/[a-z][a-z0-9+.-]*:\/\/\S*$/i.test(current)) return true; // not inside a URL
  const rest = cell.slice(at + 1);
  return rest === '' || /^\s/.test(rest) || /^[a-z][a-z0-9+.-]*:\/\//i.test(rest);
}

/** Every `CVE-YYYY-N` in the cell, upper-cased; other text (N/A, a comment) is ignored. */
export function cvesIn(cell: string): string[] {
  return unique([...cell.matchAll(/\bCVE-(\d{4})-(\d{4,})\b/gi)].map((m) => `CVE-${m[1]}-${m[2]}`));
}

/** CWEs from each value of the cell: `79`, `CWE-79`, `CWE:79`, or `CWE-79: Improper …`. */
export function cwesIn(cell: string): string[] {
  return unique(splitList(cell).flatMap((value) => {
    const single = normaliseCwe(value);
    return single ? [single] : cwesInText(value);
  }));
}

const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 date (`2024-03-01`) or date-time (`2024-03-01 10:15`, `…T10:15:00+02:00`) as a full
 * ISO date-time; without an offset it is taken as UTC. Other spellings (`03/01/2024`) are
 * ambiguous between countries and give undefined.
 */
export function isoDate(cell: string): string | undefined {
  const match = ISO_LIKE.exec(cell.trim());
  if (!match) return undefined;
  const [, date, time, zone] = match;
  const offset = zone === undefined ? 'Z' : zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const value = Date.parse(`${date}T${time ?? '00:00'}${offset}`);
  return Number.isNaN(value) ? undefined : new Date(value).toISOString();
}

/** A CVSS vector rather than a score: "CVSS:3.1/AV:N/…" or "AV:N/AC:L/…". */
export function looksLikeVector(cell: string): boolean {
  return /(^|\/)AV:[A-Z]/i.test(cell.trim());
}
