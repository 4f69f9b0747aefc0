/**
 * Builds one plain JS value (a record: an array element, a JSON Lines object) from JSON tokens,
 * with a size budget so that one endless record cannot exhaust memory. Used by the JSON reader
 * only for the values a parser asked for; everything else is skipped token by token.
 */
import type { JsonToken } from './json-tokens.js';

/** What a container or scalar counts for in the budget besides its text (a rough weight, like the XML reader's). */
const TOKEN_COST = 1;

export class RecordTooLarge extends Error {}

type Container = { kind: 'object'; value: Record<string, unknown>; key: string | undefined } | { kind: 'array'; value: unknown[] };

export class ValueBuilder {
  private readonly stack: Container[] = [];
  private text: string | undefined;
  private size = 0;
  private result: unknown;
  private complete = false;

  constructor(private readonly maxChars: number) {}

  get done(): boolean {
    return this.complete;
  }

  get value(): unknown {
    return this.result;
  }

  /** Adds the next token; returns true once the value is complete. Throws RecordTooLarge past the budget. */
  add(token: JsonToken): boolean {
    this.size += TOKEN_COST;
    switch (token.name) {
      case 'startObject':
        this.stack.push({ kind: 'object', value: {}, key: undefined });
        break;
      case 'startArray':
        this.stack.push({ kind: 'array', value: [] });
        break;
      case 'endObject':
      case 'endArray':
        this.place(this.stack.pop()!.value);
        break;
      case 'startKey':
      case 'startString':
      case 'startNumber':
        this.text = '';
        break;
      case 'stringChunk':
      case 'numberChunk': {
        const chunk = token.value as string;
        this.size += chunk.length;
        this.text += chunk;
        break;
      }
      case 'endKey':
        (this.stack[this.stack.length - 1] as { key: string | undefined }).key = this.text;
        this.text = undefined;
        break;
      case 'endString':
        this.place(this.text);
        break;
      case 'endNumber':
        this.place(Number(this.text));
        break;
      case 'trueValue':
      case 'falseValue':
      case 'nullValue':
        this.place(token.value);
        break;
    }
    if (this.size > this.maxChars) throw new RecordTooLarge();
    return this.complete;
  }

  /** Puts a finished value into its parent, or makes it the result when there is no parent. */
  private place(value: unknown): void {
    this.text = undefined;
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      this.result = value;
      this.complete = true;
    } else if (parent.kind === 'array') {
      parent.value.push(value);
    } else {
      setMember(parent.value, parent.key ?? '', value);
      parent.key = undefined;
    }
  }
}

/**
 * Assigns a member the way JSON.parse does: a key named `__proto__` becomes an ordinary own
 * property instead of replacing the object's prototype.
 */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
