/**
 * The JSON toolkit parsers use: records read one at a time from a streamed document, never the
 * whole document. Built on stream-json's tokenizer (see json-tokens.ts).
 *
 * - `jsonRecords`: the elements of a top-level array (`[{…},{…}]`), or each top-level value of a
 *   JSON Lines file (one object per line, blank lines allowed; concatenated values work too).
 * - `jsonPick`: the values at known paths inside one top-level object, e.g. SARIF's
 *   `runs[*].results[*]`; everything off those paths is skipped without being kept.
 * - `jsonLayoutOf`: from the first bytes, whether a file is a JSON array, JSON Lines, one object.
 *
 * Every picked value is a plain JS value of at most `maxTokenChars` characters (past that:
 * ParseError). Malformed, truncated or empty input throws ParseError naming the record number,
 * its path, and the line (and, in lines longer than 4096 characters, the slice) it is on.
 *
 * Typical use:
 *   for await (const { value, record } of jsonRecords(input, { expected: 'a Nuclei export' })) …
 *   for await (const picked of jsonPick(input, [['runs', '*', 'results', '*']], { expected: 'a SARIF log', root: 'object' })) …
 */
import type { ByteSource, ParseOptions } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { resolveLimits, type ParseLimits } from './limits.js';
import { jsonTokenBatches, type JsonSyntaxProblem, type JsonToken } from './json-tokens.js';
import { JsonWalker, type JsonPattern, type JsonPicked } from './json-walk.js';

export type { JsonPattern, JsonPicked, JsonPathStep } from './json-walk.js';
export { formatJsonPath, recordLabel } from './json-walk.js';
export * from './json-fields.js';

export interface JsonReadOptions extends ParseOptions {
  /** What the file should be, for error texts: "a Nuclei JSON export". */
  expected: string;
  /** When true, a file without any JSON value (0 bytes, only whitespace) yields nothing instead of failing. */
  allowEmpty?: boolean;
}

export interface JsonPickOptions extends JsonReadOptions {
  /** The kind of top-level value required; anything else is a wrong-format ParseError. */
  root?: 'object' | 'array';
}

/**
 * Each element of a top-level array, or each top-level value when the file does not start with
 * `[` (JSON Lines). `record` is the 1-based element or line-value number.
 */
export function jsonRecords(input: ByteSource, options: JsonReadOptions): AsyncGenerator<JsonPicked> {
  return walk(input, options, (first, limits) =>
    first.name === 'startArray' ? new JsonWalker([['*']], limits, true) : new JsonWalker([[]], limits, false));
}

/**
 * The values at the given paths inside the single top-level value, in document order; `pattern`
 * says which path matched. A pattern may also pick a scalar (`['version']`).
 */
export function jsonPick(input: ByteSource, patterns: readonly JsonPattern[], options: JsonPickOptions): AsyncGenerator<JsonPicked> {
  return walk(input, options, (first, limits) => {
    if (options.root !== undefined && first.name !== (options.root === 'object' ? 'startObject' : 'startArray')) {
      throw new ParseError(`expected ${options.expected} (a JSON ${options.root}), found ${describeToken(first)}`, { line: first.line, column: first.column });
    }
    return new JsonWalker(patterns, limits, true);
  });
}

async function* walk(
  input: ByteSource,
  options: JsonReadOptions,
  walkerFor: (first: JsonToken, limits: ParseLimits) => JsonWalker,
): AsyncGenerator<JsonPicked> {
  const limits = resolveLimits(options);
  let walker: JsonWalker | undefined;
  for await (const batch of jsonTokenBatches(input)) {
    for (const token of batch.tokens) {
      walker ??= walkerFor(token, limits);
      const picked = walker.accept(token);
      if (picked) yield picked;
    }
    if (batch.problem) throw syntaxError(batch.problem, walker, options.expected);
  }
  if (walker === undefined && !options.allowEmpty) {
    throw new ParseError(`empty file: expected ${options.expected}, found no JSON value`, { line: 1, column: 1 });
  }
}

function syntaxError(problem: JsonSyntaxProblem, walker: JsonWalker | undefined, expected: string): ParseError {
  const position = { line: problem.line, column: problem.column, record: walker?.record };
  if (walker === undefined && !/^[[{]/.test(problem.near)) {
    return new ParseError(`expected ${expected}, but the file is not JSON (it starts with ${JSON.stringify(problem.near)})`, position);
  }
  const near = problem.near ? ` near ${JSON.stringify(problem.near)}` : '';
  if (problem.atEnd && walker?.betweenTopLevelValues) {
    // stream-json waits for more input on a few stray characters, so junk at the very end
    // surfaces only when the input ends: it is not a truncated value but text that is no JSON.
    return new ParseError(`malformed JSON: unexpected text after the last complete value${near}, ${walker.describe()}`, position);
  }
  return new ParseError(`${problem.message}${near}, ${walker?.describe() ?? 'before the first record'}`, position);
}

function describeToken(token: JsonToken): string {
  switch (token.name) {
    case 'startObject': return 'a JSON object';
    case 'startArray': return 'a JSON array';
    case 'startString': return 'a JSON string';
    case 'startNumber': return 'a JSON number';
    default: return `the JSON value ${String(token.value)}`;
  }
}

/** The shape of a JSON file as far as its first bytes tell. */
export type JsonLayout = 'empty' | 'array' | 'lines' | 'object' | 'not-json';

/**
 * From the first few KiB: `array` (starts with `[`), `lines` (the first line is a complete JSON
 * value, as in JSON Lines — a one-line object is a one-record JSON Lines file), `object` (starts
 * with `{` spread over several lines, or a first line longer than `head`), `empty` (nothing but
 * whitespace) or `not-json`.
 */
export function jsonLayoutOf(head: string): JsonLayout {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text === '') return 'empty';
  if (text.startsWith('[')) return 'array';
  if (!text.startsWith('{')) return 'not-json';
  const newline = text.indexOf('\n');
  const firstLine = newline === -1 ? text : text.slice(0, newline);
  try {
    JSON.parse(firstLine);
    return 'lines';
  } catch {
    return 'object';
  }
}
