/**
 * Streaming JSON tokenizer: stream-json's Parser used as a synchronous scanner, so that every
 * token can be tagged with the line it was read on and a syntax error can say where it happened.
 * stream-json itself keeps no positions, so the text is fed to it one line at a time (long lines
 * in slices of PIECE_CHARS): whatever it reports while reading a piece lies on that piece's line.
 *
 * The parser runs with `packValues: false`: strings, keys and numbers arrive as chunks of at most
 * a few hundred characters and are never accumulated here, so a huge value costs no memory until
 * a consumer decides to keep it (and can cap it). `jsonStreaming: true` accepts any number of
 * top-level values (JSON Lines, concatenated JSON); callers that want one value check it.
 */
import Parser from 'stream-json/Parser.js';
import type { ByteSource } from '../contract.js';
import { textChunks } from './text-chunks.js';

export type JsonTokenName =
  | 'startObject' | 'endObject' | 'startArray' | 'endArray'
  | 'startKey' | 'endKey' | 'startString' | 'endString' | 'stringChunk'
  | 'startNumber' | 'numberChunk' | 'endNumber'
  | 'trueValue' | 'falseValue' | 'nullValue';

export interface JsonToken {
  name: JsonTokenName;
  /** Text of a string/number chunk; the value of true/false/null. */
  value?: string | boolean | null;
  /** 1-based line, and column of the slice of that line, on which the token was recognised. */
  line: number;
  column: number;
}

/** A syntax problem found by the tokenizer; the reader adds which record it was in. */
export interface JsonSyntaxProblem {
  message: string;
  line: number;
  column: number;
  /** True when the text ended before the JSON was complete (a truncated file). */
  atEnd: boolean;
  /** The start of the line (or slice) the problem is on, to show what was found. */
  near: string;
}

/** The tokens read from one source chunk; the last batch may end with a problem instead of more tokens. */
export interface JsonTokenBatch {
  tokens: JsonToken[];
  problem?: JsonSyntaxProblem;
}

/** Lines longer than this are fed in slices, so an error in minified JSON is placed within this many characters. */
const PIECE_CHARS = 4096;

/** stream-json's Parser driven directly: `push` collects tokens instead of queueing them on a stream. */
class TokenCollector extends Parser {
  tokens: JsonToken[] = [];
  line = 1;
  column = 1;

  constructor() {
    super({ packValues: false, streamValues: true, jsonStreaming: true });
  }

  override push(token: unknown): boolean {
    const tagged = token as JsonToken;
    tagged.line = this.line;
    // The start of the fixed slice of the line, not of the piece: source chunks may cut a line
    // anywhere, and positions must not depend on how the bytes arrived.
    tagged.column = sliceStart(this.column);
    this.tokens.push(tagged);
    return true;
  }

  /** Scans one piece; returns stream-json's error text, if any. All of this runs synchronously. */
  scan(piece: string): string | undefined {
    let failure: string | undefined;
    this._transform(piece, 'utf8', (err) => { failure = err ? err.message : undefined; });
    return failure;
  }

  scanEnd(): string | undefined {
    let failure: string | undefined;
    this._flush((err) => { failure = err ? err.message : undefined; });
    return failure;
  }

  takeTokens(): JsonToken[] {
    const tokens = this.tokens;
    this.tokens = [];
    return tokens;
  }
}

/**
 * Yields the tokens of the input, one batch per source chunk (so a Readable keeps its
 * backpressure). On a syntax error the tokens read before it come first, in a batch that carries
 * the problem; nothing follows it.
 */
export async function* jsonTokenBatches(input: ByteSource): AsyncGenerator<JsonTokenBatch> {
  const collector = new TokenCollector();
  // Where the last non-blank piece was, so that a truncation is reported on the last line with text.
  const lastText = { line: 1, column: 1, piece: '' };
  for await (const text of textChunks(input)) {
    for (const piece of pieces(text, collector.column)) {
      if (/\S/.test(piece)) Object.assign(lastText, { line: collector.line, column: collector.column, piece });
      const failure = collector.scan(piece);
      if (failure !== undefined) {
        yield { tokens: collector.takeTokens(), problem: problemOf(failure, collector, false, piece) };
        return;
      }
      advance(collector, piece);
    }
    const tokens = collector.takeTokens();
    if (tokens.length > 0) yield { tokens };
  }
  const failure = collector.scanEnd();
  yield { tokens: collector.takeTokens(), problem: failure === undefined ? undefined : problemOf(failure, lastText, true, lastText.piece) };
}

/**
 * The text cut after each line feed and where the line's fixed PIECE_CHARS slices end, given the
 * column at which the text starts (source chunks may end anywhere in a line).
 */
function* pieces(text: string, startColumn: number): Generator<string> {
  let column = startColumn;
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    const end = Math.min(lineEnd, start + PIECE_CHARS - ((column - 1) % PIECE_CHARS));
    yield text.slice(start, end);
    column = end === newline + 1 ? 1 : column + (end - start);
    start = end;
  }
}

/** The first column of the fixed PIECE_CHARS slice of a line that holds `column`. */
function sliceStart(column: number): number {
  return column - ((column - 1) % PIECE_CHARS);
}

function advance(position: { line: number; column: number }, piece: string): void {
  if (piece.endsWith('\n')) {
    position.line += 1;
    position.column = 1;
  } else {
    position.column += piece.length;
  }
}

/** stream-json's terse texts ("Parser cannot parse input: expected ','") in this project's words. */
function problemOf(raw: string, { line, column }: { line: number; column: number }, atEnd: boolean, piece: string): JsonSyntaxProblem {
  const near = piece.trim().slice(0, 40);
  column = sliceStart(column);
  if (atEnd) {
    return { message: 'unexpected end of file: the JSON stops before the value is complete (the file looks truncated)', line, column, atEnd, near };
  }
  const detail = raw.replace(/^Parser cannot parse input: /, '');
  const message = detail === 'escaped characters'
    ? 'malformed JSON: a control character or an invalid escape sequence inside a string'
    : `malformed JSON: ${detail}`;
  return { message, line, column, atEnd, near };
}
