/**
 * Streaming XML tokenizer: saxes (strict, no DTD processing) turned into batches of plain
 * element events, with the limits and error texts every XML parser needs. No DOM is built.
 *
 * Safety: saxes never reads a DTD's declarations, so no entity declared in a DTD is expanded and
 * no external DTD or entity is fetched. A reference to such an entity (billion laughs, XXE) is an
 * "undefined entity" error at the first reference, i.e. before any expansion could happen.
 */
import { SaxesParser } from 'saxes';
import type { ByteSource, ParseOptions } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { resolveLimits, type ParseLimits } from './limits.js';
import { textChunks } from './text-chunks.js';
import { translateSaxesError } from './xml-errors.js';

/** An element start. `depth` is 1 for the root element. Line/column point at the end of the tag. */
export interface XmlOpen {
  type: 'open';
  name: string;
  attributes: Record<string, string>;
  depth: number;
  selfClosing: boolean;
  line: number;
  column: number;
}

/** Character data (plain text or CDATA, entities already decoded) directly inside an element. */
export interface XmlText {
  type: 'text';
  text: string;
  /** Depth of the element that contains the text (whitespace outside the root is dropped). */
  depth: number;
}

/** An element end; for `<a/>` it follows the open event at once. */
export interface XmlClose {
  type: 'close';
  name: string;
  depth: number;
}

export type XmlEvent = XmlOpen | XmlText | XmlClose;

/**
 * Yields the events of a document one batch per text piece written to the tokenizer. The next
 * source chunk is read only after the consumer asked for the next batch (backpressure); each
 * batch is bounded by the piece size. Throws ParseError on malformed or hostile input.
 */
export async function* xmlEventBatches(input: ByteSource, options?: ParseOptions): AsyncGenerator<XmlEvent[]> {
  const tokenizer = new XmlTokenizer(resolveLimits(options));
  for await (const piece of textChunks(input)) {
    const batch = tokenizer.write(piece);
    if (batch.length > 0) yield batch;
  }
  const last = tokenizer.close();
  if (last.length > 0) yield last;
}

/** One saxes parser plus the bookkeeping for limits, positions and the open-element stack. */
class XmlTokenizer {
  private readonly sax = new SaxesParser({ xmlns: false, position: true });
  private readonly openNames: string[] = [];
  private pending: XmlEvent[] = [];
  /** Characters written so far, and the stream position where the last token ended. */
  private written = 0;
  private lastTokenEnd = 0;
  /** Names of entities the DTD declares; only used to explain why a reference to one fails. */
  private readonly dtdEntities = new Set<string>();
  private lastUnknownEntity: string | undefined;
  /** The element a close tag was last matched against, to explain a mismatched close tag. */
  private lastClosed: string | undefined;

  constructor(private readonly limits: ParseLimits) {
    this.watchEntityLookups();
    this.sax.on('opentag', (tag) => {
      const depth = this.openNames.length + 1;
      if (depth > this.limits.maxDepth) {
        throw this.error(`elements are nested deeper than the limit of ${this.limits.maxDepth} levels (at <${tag.name}>)`);
      }
      this.openNames.push(tag.name);
      const { line, column } = this.sax;
      this.pending.push({ type: 'open', name: tag.name, attributes: tag.attributes, depth, selfClosing: tag.isSelfClosing, line, column });
      this.tokenEnded();
    });
    this.sax.on('closetag', (tag) => {
      this.lastClosed = tag.name;
      this.pending.push({ type: 'close', name: tag.name, depth: this.openNames.length });
      this.openNames.pop();
      this.tokenEnded();
    });
    const onText = (text: string): void => {
      // Outside the root only whitespace is legal (saxes rejects the rest): not worth an event.
      const depth = this.openNames.length;
      if (depth > 0 && text.length > 0) this.pending.push({ type: 'text', text, depth });
      this.tokenEnded();
    };
    this.sax.on('text', onText);
    this.sax.on('cdata', onText);
    this.sax.on('doctype', (doctype) => {
      for (const match of doctype.matchAll(/<!ENTITY\s+(?:%\s+)?([^\s>]+)/g)) this.dtdEntities.add(match[1]!);
      this.tokenEnded();
    });
    this.sax.on('comment', () => this.tokenEnded());
    // No handlers for processing instructions or the XML declaration: both are short, and each
    // handler is a property saxes adds to its parser object; past six of them V8 turns the object
    // into a slow dictionary and tokenizing runs four times slower (measured: 107 vs 25 MB/s).
    // Their length still counts: the next token's end is measured from the previous one's.
  }

  write(piece: string): XmlEvent[] {
    this.guard(() => this.sax.write(piece));
    this.written += piece.length;
    // saxes buffers an unfinished token internally until it ends; measure it from the outside.
    if (this.written - this.lastTokenEnd > this.limits.maxTokenChars) throw this.tokenTooLong();
    return this.takePending();
  }

  close(): XmlEvent[] {
    this.guard(() => this.sax.close());
    return this.takePending();
  }

  private takePending(): XmlEvent[] {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  /**
   * Every event ends a token; its raw length is the distance from the previous token's end. This
   * catches a long token that arrived within one piece; `write` catches one still being buffered.
   */
  private tokenEnded(): void {
    const end = this.sax.position;
    if (end - this.lastTokenEnd > this.limits.maxTokenChars) throw this.tokenTooLong();
    this.lastTokenEnd = end;
  }

  private tokenTooLong(): ParseError {
    const where = this.openNames.length > 0 ? ` inside <${this.openNames[this.openNames.length - 1]}>` : '';
    return this.error(`a single text, tag or declaration${where} is longer than the limit of ${this.limits.maxTokenChars} characters`);
  }

  /** Runs a saxes call; its errors (thrown, as no error handler is set) become ParseErrors. */
  private guard(run: () => void): void {
    try {
      run();
    } catch (err) {
      if (err instanceof ParseError) throw err;
      const message = translateSaxesError(err instanceof Error ? err.message : String(err), {
        unknownEntity: this.lastUnknownEntity,
        dtdEntities: this.dtdEntities,
        lastClosed: this.lastClosed,
      });
      throw this.error(message, err);
    }
  }

  private error(message: string, cause?: unknown): ParseError {
    return new ParseError(message, { line: this.sax.line, column: this.sax.column }, { cause });
  }

  /**
   * saxes reports an unknown entity without its name; looking entities up through a proxy lets
   * the error say which one (`&lol9;`), which is what a user needs to see.
   */
  private watchEntityLookups(): void {
    this.sax.ENTITIES = new Proxy(this.sax.ENTITIES, {
      get: (target, name) => {
        const value = Reflect.get(target, name) as unknown;
        if (value === undefined && typeof name === 'string') this.lastUnknownEntity = name;
        return value;
      },
    });
  }
}
