/**
 * Checks CSV files against a file group's column schema: the header must have every required
 * column (names compared trimmed and case-insensitively); each row must have a value in every
 * required column and values of the declared types. Extra columns are kept as they are.
 */
import type { ColumnSpec, ColumnType } from './model.js';

export interface HeaderMapping {
  /** For each schema column, the index of its header column (undefined: not in the file). */
  indexOf: Map<string, number>;
  missingRequired: string[];
}

export function mapHeader(columns: ColumnSpec[], header: readonly string[]): HeaderMapping {
  const positions = new Map(header.map((name, i) => [name.trim().toLowerCase(), i]));
  const indexOf = new Map<string, number>();
  const missingRequired: string[] = [];
  for (const column of columns) {
    const index = positions.get(column.name.trim().toLowerCase());
    if (index !== undefined) indexOf.set(column.name, index);
    else if (column.required) missingRequired.push(column.name);
  }
  return { indexOf, missingRequired };
}

export type RowCheck = { ok: true; data: Record<string, string> } | { ok: false; reason: string };

export function checkRow(columns: ColumnSpec[], mapping: HeaderMapping, header: readonly string[], cells: readonly string[]): RowCheck {
  const data: Record<string, string> = {};
  header.forEach((name, i) => {
    const value = cells[i]?.trim() ?? '';
    if (value !== '') data[name.trim()] = value;
  });
  for (const column of columns) {
    const index = mapping.indexOf.get(column.name);
    const value = index === undefined ? '' : (cells[index]?.trim() ?? '');
    if (value === '') {
      if (column.required) return { ok: false, reason: `column "${column.name}" is required but empty` };
      continue;
    }
    const problem = typeProblem(column.type, value);
    if (problem) return { ok: false, reason: `column "${column.name}": ${JSON.stringify(value.slice(0, 80))} ${problem}` };
    data[column.name] = value;
  }
  return { ok: true, data };
}

function typeProblem(type: ColumnType, value: string): string | undefined {
  switch (type) {
    case 'string':
      return undefined;
    case 'email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? undefined : 'is not an email address';
    case 'integer':
      return /^-?\d+$/.test(value) ? undefined : 'is not an integer';
    case 'boolean':
      return /^(true|false|yes|no|1|0)$/i.test(value) ? undefined : 'is not a boolean (true/false, yes/no, 1/0)';
    case 'date':
      return /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'is not an ISO 8601 date';
  }
}
