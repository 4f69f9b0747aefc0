/**
 * Follows the structure of a JSON token stream, knows the path of every value (`runs[0].results[3]`)
 * and collects only the values whose path matches one of the caller's patterns. Containers off
 * every pattern's route are skipped by counting brackets: nothing of them is kept.
 */
import { ParseError } from '../parse-error.js';
import type { JsonToken } from './json-tokens.js';
import { RecordTooLarge, ValueBuilder } from './json-values.js';

/** One step of a path: an object key or an array index (0-based). */
export type JsonPathStep = string | number;
/** A path to pick: keys, and `'*'` for any array index or any key. `[]` picks each top-level value. */
export type JsonPattern = readonly string[];

export interface JsonPicked {
  value: unknown;
  path: JsonPathStep[];
  /** Index of the matching pattern in the list given. */
  pattern: number;
  /** 1-based count of picked values so far, this one included: the record number in error messages. */
  record: number;
  line: number;
  column: number;
}

export interface WalkLimits {
  maxTokenChars: number;
  maxDepth: number;
}

interface Frame {
  kind: 'object' | 'array';
  /** The step by which this container is reached from its parent (undefined for a top-level value). */
  step: JsonPathStep | undefined;
  /** Current array index, or the last key read in an object. */
  index: number;
  key: string | undefined;
}

interface Collecting {
  builder: ValueBuilder;
  path: JsonPathStep[];
  pattern: number;
  record: number;
  line: number;
  column: number;
}

const VALUE_STARTS = new Set(['startObject', 'startArray', 'startString', 'startNumber', 'trueValue', 'falseValue', 'nullValue']);

export class JsonWalker {
  private readonly frames: Frame[] = [];
  /** Depth inside a skipped container (0 when not skipping). */
  private skipDepth = 0;
  private depth = 0;
  private keyText: string | undefined;
  private collecting: Collecting | undefined;
  private picks = 0;
  /** How many top-level values have started. */
  private topLevelValues = 0;

  constructor(private readonly patterns: readonly JsonPattern[], private readonly limits: WalkLimits, private readonly single: boolean) {}

  /** Takes the next token; returns a value when one the caller asked for is complete. */
  accept(token: JsonToken): JsonPicked | undefined {
    this.trackDepth(token);
    if (this.collecting) return this.collect(token);
    if (this.skipDepth > 0) {
      if (token.name === 'startObject' || token.name === 'startArray') this.skipDepth += 1;
      else if (token.name === 'endObject' || token.name === 'endArray') this.skipDepth -= 1;
      return undefined;
    }
    if (VALUE_STARTS.has(token.name)) return this.startValue(token);
    switch (token.name) {
      case 'startKey':
        this.keyText = '';
        break;
      case 'stringChunk':
        // Outside a collected value, string chunks matter only as parts of a key.
        if (this.keyText !== undefined) this.appendKey(token);
        break;
      case 'endKey':
        this.frames[this.frames.length - 1]!.key = this.keyText;
        this.keyText = undefined;
        break;
      case 'endObject':
      case 'endArray':
        this.frames.pop();
        break;
    }
    return undefined;
  }

  /** True between top-level values: nothing open, nothing being collected. */
  get betweenTopLevelValues(): boolean {
    return this.frames.length === 0 && this.skipDepth === 0 && this.collecting === undefined;
  }

  /** The number of the record being collected, if one is. */
  get record(): number | undefined {
    return this.collecting?.record;
  }

  /** Where the walk is, for error messages: the record being read or the last one read, and the path. */
  describe(): string {
    if (this.collecting) return `in ${recordLabel(this.collecting.record, this.collecting.path)}`;
    const path = this.currentPath();
    const innermost = this.frames[this.frames.length - 1];
    const where = innermost === undefined ? 'at the top level'
      : path.length === 0 ? `inside the top-level ${innermost.kind}` : `inside ${formatJsonPath(path)}`;
    return this.picks > 0 ? `after record ${this.picks}, ${where}` : `before the first record, ${where}`;
  }

  private startValue(token: JsonToken): JsonPicked | undefined {
    const parent = this.frames[this.frames.length - 1];
    let step: JsonPathStep | undefined;
    if (parent === undefined) {
      this.topLevelValues += 1;
      if (this.single && this.topLevelValues > 1) {
        throw new ParseError('malformed JSON: more data after the end of the top-level value', { line: token.line, column: token.column });
      }
    } else if (parent.kind === 'array') {
      step = ++parent.index;
    } else {
      step = parent.key ?? '';
    }
    const path = step === undefined ? this.currentPath() : [...this.currentPath(), step];
    const pattern = this.patterns.findIndex((p) => matches(p, path, true));
    if (pattern !== -1) {
      this.picks += 1;
      this.collecting = { builder: new ValueBuilder(this.limits.maxTokenChars), path, pattern, record: this.picks, line: token.line, column: token.column };
      return this.collect(token);
    }
    if (token.name === 'startObject' || token.name === 'startArray') {
      if (this.patterns.some((p) => matches(p, path, false))) {
        this.frames.push({ kind: token.name === 'startObject' ? 'object' : 'array', step, index: -1, key: undefined });
      } else {
        this.skipDepth = 1;
      }
    }
    // A scalar nobody asked for: its chunks pass by unread.
    return undefined;
  }

  private collect(token: JsonToken): JsonPicked | undefined {
    const current = this.collecting!;
    try {
      if (!current.builder.add(token)) return undefined;
    } catch (err) {
      if (!(err instanceof RecordTooLarge)) throw err;
      throw new ParseError(
        `${recordLabel(current.record, current.path)} is larger than the limit of ${this.limits.maxTokenChars} characters for one record`,
        { line: current.line, column: current.column, record: current.record },
      );
    }
    this.collecting = undefined;
    const { builder, path, pattern, record, line, column } = current;
    return { value: builder.value, path, pattern, record, line, column };
  }

  private appendKey(token: JsonToken): void {
    const chunk = token.value as string;
    if (this.keyText!.length + chunk.length > this.limits.maxTokenChars) {
      throw new ParseError(`an object key is longer than the limit of ${this.limits.maxTokenChars} characters`, { line: token.line, column: token.column });
    }
    this.keyText += chunk;
  }

  private trackDepth(token: JsonToken): void {
    if (token.name === 'startObject' || token.name === 'startArray') {
      this.depth += 1;
      if (this.depth > this.limits.maxDepth) {
        throw new ParseError(`JSON arrays and objects are nested deeper than the limit of ${this.limits.maxDepth} levels`, { line: token.line, column: token.column });
      }
    } else if (token.name === 'endObject' || token.name === 'endArray') {
      this.depth -= 1;
    }
  }

  private currentPath(): JsonPathStep[] {
    const path: JsonPathStep[] = [];
    for (const frame of this.frames) if (frame.step !== undefined) path.push(frame.step);
    return path;
  }
}

/** Whether `path` equals the pattern (`exact`) or could still lead to it (a prefix of it). */
function matches(pattern: JsonPattern, path: readonly JsonPathStep[], exact: boolean): boolean {
  if (exact ? path.length !== pattern.length : path.length >= pattern.length) return false;
  return path.every((step, i) => pattern[i] === '*' || pattern[i] === String(step));
}

/** `record 3 (runs[0].results[2])`, or just `record 3` for a top-level value (a JSON Lines record). */
export function recordLabel(record: number, path: readonly JsonPathStep[]): string {
  return path.length > 0 ? `record ${record} (${formatJsonPath(path)})` : `record ${record}`;
}

/** `runs[0].results[3]`, `[4]`, `["odd key"]`; the top level is `(top level)`. */
export function formatJsonPath(path: readonly JsonPathStep[]): string {
  if (path.length === 0) return '(top level)';
  let text = '';
  for (const step of path) {
    if (typeof step === 'number') text += `[${step}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(step)) text += `${text ? '.' : ''}${step}`;
    else text += `[${JSON.stringify(step)}]`;
  }
  return text;
}
