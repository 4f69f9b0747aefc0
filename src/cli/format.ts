/** Human formatting for the CLI: sizes, durations, and plain-text tables. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (powers of 1024, one decimal from KB up). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** 75_000 → "1m15s"; 4_200 → "4s"; under a second → "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Cuts `text` to `width` characters, marking the cut with "…". */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = Array.from(text);
  return chars.length <= width ? text : chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

export interface TableOptions {
  /** Colours a cell after padding (so escapes do not upset the alignment). */
  paintCell?: (column: number, value: string, padded: string) => string;
  /** Cells of the last column are cut to fit this total width (a terminal's columns). */
  maxWidth?: number;
}

/**
 * Left-aligned columns separated by two spaces, a header row first. The last column is not
 * padded, and is cut to fit maxWidth when one is given.
 */
export function renderTable(header: string[], rows: string[][], options: TableOptions = {}): string {
  const all = [header, ...rows].map((row) => row.map((cell) => cell.replace(/\s+/g, ' ')));
  const widths = header.map((_, column) => Math.max(...all.map((row) => Array.from(row[column] ?? '').length)));
  const last = header.length - 1;
  const lastStart = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  const lastWidth = options.maxWidth ? Math.max(10, options.maxWidth - lastStart) : Infinity;
  return all
    .map((row, index) =>
      row
        .map((cell, column) => {
          const shown = column === last ? truncate(cell, lastWidth) : cell.padEnd(widths[column]! + (cell.length - Array.from(cell).length));
          return index > 0 && options.paintCell ? options.paintCell(column, cell, shown) : shown;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
