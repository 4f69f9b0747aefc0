/**
 * The CSV toolkit parsers use: a pull reader over csv-parse's streaming Transform that hands out
 * one row at a time, keyed by the header row. Only the row being read is held in memory (plus
 * the stream buffers), never the file.
 *
 * What it accepts: UTF-8 with or without a BOM; `,`, `;` or tab as delimiter, detected from the
 * header line (the one that occurs most often outside quotes; `,` when none does), or named by an
 * Excel `sep=;` first line; CRLF, LF or CR line ends, mixed if need be; quoted fields holding
 * delimiters, doubled quotes and line breaks; blank lines anywhere (skipped). A stray quote
 * inside an unquoted field is kept as text, as spreadsheets write it.
 * What it rejects, as ParseError with the line and data row: a quoted field still open at the end
 * of the file (unbalanced quotes, or a truncated file), a row whose field count differs from the
 * header's, a row (its fields together) longer than ParseOptions.maxTokenChars, an empty file.
 *
 * Typical use:
 *   const csv = new CsvReader(input, options);
 *   try {
 *     const header = await csv.header();
 *     for await (const row of csv.rows()) handle(row.values['title']);
 *   } finally { await csv.close(); }
 */
import { StringDecoder } from 'node:string_decoder';
import { CsvError, parse, type Info, type Parser as CsvParser } from 'csv-parse';
import type { ByteSource, ParseOptions } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { resolveLimits } from './limits.js';

export interface CsvHeader {
  /** Column names as written, trimmed; a blank one is named `column N`, a repeated one gets ` (2)`, ` (3)`… */
  columns: readonly string[];
  delimiter: string;
  /** The line the header row starts on. */
  line: number;
}

export interface CsvRow {
  /** 1-based number of the data row (the header row is not counted; blank lines are skipped). */
  record: number;
  /** The line the row starts on (a row spans several lines when a quoted field holds line breaks). */
  line: number;
  /** The fields in column order, exactly as written (not trimmed). */
  cells: readonly string[];
  /** The same fields keyed by `CsvHeader.columns` (an object without prototype). */
  values: Readonly<Record<string, string>>;
}

/** The header line is read before csv-parse starts, to pick the delimiter; it may not exceed this. */
export const MAX_HEADER_CHARS = 1024 * 1024;
const DELIMITERS = [',', ';', '\t'] as const;

interface RawRow {
  cells: string[];
  line: number;
}

interface ParsedItem {
  record: string[];
  info: Info;
}

/** Pieces written to csv-parse at once: the rows of one piece wait in its buffer until read. */
const MAX_PIECE_BYTES = 64 * 1024;

export class CsvReader {
  private readonly maxRowChars: number;
  private readonly raw: AsyncGenerator<RawRow>;
  private delimiter = ',';
  private headerRow?: CsvHeader;
  /** Position bookkeeping: csv-parse's own line count is off after CRLF inside quotes, so lines are counted here. */
  private lastEndLine = 0;
  private emptyLinesSeen = 0;
  private dataRows = 0;

  constructor(input: ByteSource, options?: ParseOptions) {
    this.maxRowChars = resolveLimits(options).maxTokenChars;
    this.raw = this.readRows(input);
  }

  /** Reads the header row; an empty file (nothing but blank lines) is a ParseError. */
  async header(): Promise<CsvHeader> {
    if (this.headerRow) return this.headerRow;
    const first = await this.raw.next();
    if (first.done) throw new ParseError('the file is empty: expected a CSV header row', { line: 1, column: 1 });
    this.headerRow = { columns: uniqueColumnNames(first.value.cells), delimiter: this.delimiter, line: first.value.line };
    return this.headerRow;
  }

  /** Each data row after the header, in file order. */
  async *rows(): AsyncGenerator<CsvRow> {
    const { columns } = await this.header();
    for (let next = await this.raw.next(); !next.done; next = await this.raw.next()) {
      const { cells, line } = next.value;
      const values: Record<string, string> = Object.create(null);
      columns.forEach((name, index) => { values[name] = cells[index] ?? ''; });
      yield { record: this.dataRows, line, cells, values };
    }
  }

  /** Stops reading and releases the input (safe to call at any time, and more than once). */
  async close(): Promise<void> {
    await this.raw.return(undefined);
  }

  /**
   * csv-parse is driven by hand rather than through a pipeline: each piece written is parsed at
   * once, its rows are read out before the next piece is written (flat memory, backpressure on
   * the input), and an error is raised only after every row before it was handed out, so the
   * row and line it names do not depend on how the input was chunked.
   */
  private async *readRows(input: ByteSource): AsyncGenerator<RawRow> {
    const chunks = bytesOf(input);
    let parser: CsvParser | undefined;
    try {
      const prefix = await readFirstLine(chunks, Math.min(this.maxRowChars, MAX_HEADER_CHARS));
      if (prefix.firstLine === undefined) return; // no bytes, or only blank lines
      let body = prefix.bytes;
      const excelHint = /^sep=(.)\s*$/i.exec(prefix.firstLine);
      if (excelHint) {
        this.delimiter = excelHint[1]!;
        body = body.subarray(prefix.firstLineEnd);
        this.lastEndLine = prefix.firstLineNumber;
      } else {
        this.delimiter = detectDelimiter(prefix.firstLine);
      }
      parser = parse({
        delimiter: this.delimiter,
        record_delimiter: ['\r\n', '\n', '\r'],
        relax_quotes: true,
        skip_empty_lines: true,
        max_record_size: this.maxRowChars,
        info: true,
      });
      parser.on('error', () => {}); // read from parser.errored after each write instead
      for await (const piece of pieces(body, chunks)) {
        parser.write(piece);
        yield* this.parsedRows(parser);
      }
      parser.end();
      yield* this.parsedRows(parser);
    } finally {
      parser?.destroy();
      await chunks.return(undefined);
    }
  }

  /** The rows csv-parse has ready, then its error if it stopped on one. */
  private *parsedRows(parser: CsvParser): Generator<RawRow> {
    for (let item = parser.read() as ParsedItem | null; item !== null; item = parser.read() as ParsedItem | null) {
      const { record, info } = item;
      const line = this.lastEndLine + 1 + (info.empty_lines - this.emptyLinesSeen);
      this.emptyLinesSeen = info.empty_lines;
      this.lastEndLine = line + lineBreaks(record);
      if (this.headerRow) this.dataRows += 1;
      yield { cells: record, line };
    }
    const failure = parser.errored;
    if (failure) throw failure instanceof CsvError ? this.describe(failure) : failure;
  }

  /** A csv-parse error as a ParseError naming the data row and the line it starts on. */
  private describe(err: CsvError): ParseError {
    const line = this.lastEndLine + 1 + (Number(err.empty_lines ?? this.emptyLinesSeen) - this.emptyLinesSeen);
    const row = this.headerRow ? `row ${this.dataRows + 1}` : 'the header row';
    const position = { line, column: 1, ...(this.headerRow ? { record: this.dataRows + 1 } : {}) };
    switch (err.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return new ParseError(`unbalanced quotes: a quoted field of ${row} is still open at the end of the file (the file may be truncated)`, position);
      case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
        const found = Array.isArray(err.record) ? err.record.length : '?';
        return new ParseError(`inconsistent column count: ${row} has ${found} fields, the header has ${this.headerRow?.columns.length ?? '?'}`, position);
      }
      case 'CSV_MAX_RECORD_SIZE':
        return new ParseError(`${row} is longer than the limit of ${this.maxRowChars} characters (ParseOptions.maxTokenChars)`, position);
      case 'CSV_INVALID_CLOSING_QUOTE':
      case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
        return new ParseError(`unbalanced quotes in ${row}: a closing quote is followed by other text`, position);
      default:
        return new ParseError(`malformed CSV in ${row}: ${err.message}`, position, { cause: err });
    }
  }
}

/**
 * The first non-blank line of a text (a file's first KiB for `sniff`), split into its cells with
 * the detected delimiter; undefined when the text holds no such line. A header cut short by the
 * end of `head` keeps its last cell as far as it goes.
 */
export function headerCells(head: string): string[] | undefined {
  const text = head.replace(/^\uFEFF/, '');
  const first = nextLine(text, 0);
  if (!first) return undefined;
  const hint = /^sep=(.)\s*$/i.exec(first.line);
  if (!hint) return splitLine(first.line, detectDelimiter(first.line));
  const header = nextLine(text, first.end + 1);
  return header ? splitLine(header.line, hint[1]!) : undefined;
}

/** The first non-blank line at or after `start`, and where it ends. */
function nextLine(text: string, start: number): { line: string; start: number; end: number } | undefined {
  for (let from = start; from < text.length; ) {
    const end = lineEnd(text, from);
    const line = text.slice(from, end);
    if (line.trim() !== '') return { line, start: from, end };
    from = end + 1;
  }
  return undefined;
}

/** `,`, `;` or tab: whichever occurs most often outside quotes in the line (`,` on a tie or none). */
export function detectDelimiter(line: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: string = DELIMITERS[0];
  for (const candidate of DELIMITERS) if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  return best;
}

/** Where the line starting at `start` ends: the first line break outside quotes, or the text's end. */
function lineEnd(text: string, start: number): number {
  let quoted = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) return i;
  }
  return text.length;
}

/** One line's cells: enough CSV for a header (quotes, doubled quotes), not a general parser. */
function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === '"' && quoted && line[i + 1] === '"') { cell += '"'; i++; }
    else if (char === '"') quoted = !quoted;
    else if (char === delimiter && !quoted) { cells.push(cell); cell = ''; }
    else cell += char;
  }
  cells.push(cell);
  return cells;
}

function uniqueColumnNames(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, index) => {
    const name = cell.trim() || `column ${index + 1}`;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}

/** Line breaks inside a row's fields, CRLF counting once. */
function lineBreaks(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) count += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
  return count;
}

interface FirstLine {
  /** Every byte read so far, without the BOM. */
  bytes: Buffer;
  /** The first non-blank line, decoded; undefined when the input ended without one. */
  firstLine?: string;
  firstLineNumber: number;
  /** Offset in `bytes` just after that line's break. */
  firstLineEnd: number;
}

/**
 * Reads chunks until the first non-blank line is complete (its break outside quotes, or the end
 * of input), keeping every byte for csv-parse. Bounded by `limit`: a file without line breaks
 * (minified JSON, say) fails here rather than being buffered whole.
 */
async function readFirstLine(chunks: AsyncIterator<Buffer>, limit: number): Promise<FirstLine> {
  const parts: Buffer[] = [];
  const decoder = new StringDecoder('utf8');
  let text = '';
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    parts.push(next.value);
    text += decoder.write(next.value);
    // A line can only end where a chunk has a line break: look again only then.
    if (next.value.includes(0x0a) || next.value.includes(0x0d)) {
      const found = nextLine(withoutBom(text), 0);
      if (found && isComplete(withoutBom(text), found.end)) return firstLine(parts, text, found);
    }
    if (text.length > limit) {
      throw new ParseError(`the first line is longer than ${limit} characters: expected a CSV header row`, { line: 1, column: 1 });
    }
  }
  text += decoder.end();
  return firstLine(parts, text, nextLine(withoutBom(text), 0));
}

function withoutBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Whether a line ending at `end` is known to be complete (after a CR, the next character tells CR LF). */
function isComplete(text: string, end: number): boolean {
  return end < text.length && !(text[end] === '\r' && end + 1 >= text.length);
}

function firstLine(parts: readonly Buffer[], text: string, found: { line: string; start: number; end: number } | undefined): FirstLine {
  const bom = text.startsWith('\uFEFF');
  const bytes = Buffer.concat(parts).subarray(bom ? Buffer.byteLength('\uFEFF') : 0);
  if (!found) return { bytes, firstLineNumber: 1, firstLineEnd: bytes.length };
  const body = withoutBom(text);
  const afterBreak = Math.min(body.length, found.end + (body.startsWith('\r\n', found.end) ? 2 : 1));
  return {
    bytes,
    firstLine: found.line,
    firstLineNumber: 1 + lineBreaks([body.slice(0, found.start)]),
    firstLineEnd: Buffer.byteLength(body.slice(0, afterBreak)),
  };
}

/** The input as Buffers (string chunks are UTF-8 encoded). */
async function* bytesOf(input: ByteSource): AsyncGenerator<Buffer> {
  for await (const chunk of input as AsyncIterable<Buffer | Uint8Array | string>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

/** The header bytes, then the rest of the input, cut so that no piece exceeds MAX_PIECE_BYTES. */
async function* pieces(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* slices(first);
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield* slices(next.value);
}

function* slices(bytes: Buffer): Generator<Buffer> {
  for (let start = 0; start < bytes.length; start += MAX_PIECE_BYTES) yield bytes.subarray(start, start + MAX_PIECE_BYTES);
}
