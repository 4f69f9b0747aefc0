/**
 * The XML toolkit parsers use: a pull reader over streamed element events, and a way to collect
 * one repeated element (a `<ReportItem>`, an `<issue>`) into a small tree once it closes. Only
 * one record is ever held in memory, never the document.
 *
 * Typical use:
 *   const xml = new XmlReader(input, options);
 *   try {
 *     const root = await xml.expectRoot('issues', 'a Burp Suite issues export');
 *     for await (const child of xml.childElements(root)) {
 *       if (child.name === 'issue') handle(await xml.readElement(child));
 *     }
 *     await xml.expectEnd();
 *   } finally { await xml.close(); }
 */
import type { ByteSource, ParseOptions } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { resolveLimits } from './limits.js';
import type { XmlElement } from './xml-element.js';
import { xmlEventBatches, type XmlEvent, type XmlOpen } from './xml-events.js';

export type { XmlEvent, XmlOpen, XmlText, XmlClose } from './xml-events.js';
export { xmlEventBatches } from './xml-events.js';
export type { XmlElement } from './xml-element.js';
export { findChild, findChildren, childText, childTexts } from './xml-element.js';

/** A collected record may hold this many times the largest single text (a Burp issue holds several responses). */
const RECORD_BUDGET_FACTOR = 4;
/** What one collected element counts for, in characters, in the record budget (a rough weight). */
const ELEMENT_COST = 16;

export class XmlReader {
  private readonly batches: AsyncGenerator<XmlEvent[]>;
  private readonly maxTokenChars: number;
  private batch: XmlEvent[] = [];
  private index = 0;

  constructor(input: ByteSource, options?: ParseOptions) {
    this.maxTokenChars = resolveLimits(options).maxTokenChars;
    this.batches = xmlEventBatches(input, options);
  }

  /** The next event, or undefined once the document has ended well-formed. */
  async next(): Promise<XmlEvent | undefined> {
    return this.index < this.batch.length || (await this.refill()) ? this.batch[this.index++] : undefined;
  }

  /**
   * Loads the next batch; false at the end of the document. The loops below take events from the
   * current batch synchronously and await only here: one await per batch, not per event, which
   * is most of the difference between tokenizing and parsing speed.
   */
  private async refill(): Promise<boolean> {
    while (this.index >= this.batch.length) {
      const result = await this.batches.next();
      if (result.done) return false;
      this.batch = result.value;
      this.index = 0;
    }
    return true;
  }

  /** Reads up to the root element and checks its name, so a wrong file fails with a clear text. */
  async expectRoot(name: string, formatDescription: string): Promise<XmlOpen> {
    for (let event = await this.next(); event !== undefined; event = await this.next()) {
      if (event.type !== 'open') continue;
      if (event.name === name) return event;
      throw this.errorAt(event, `expected the root element <${name}> of ${formatDescription}, found <${event.name}>`);
    }
    // Unreachable in practice: the tokenizer rejects a document without a root.
    throw new ParseError(`expected the root element <${name}> of ${formatDescription}, found no element`);
  }

  /**
   * Yields each direct child element of `parent`, which must be the last open event read. A
   * child the caller does not consume (readElement/skipElement/childElements) is skipped.
   * Ends after the parent's close event.
   */
  async *childElements(parent: XmlOpen): AsyncGenerator<XmlOpen> {
    if (parent.selfClosing) {
      await this.skipElement(parent);
      return;
    }
    while (this.index < this.batch.length || (await this.refill())) {
      const event = this.batch[this.index++]!;
      if (event.type === 'close' && event.depth === parent.depth) return;
      if (event.type === 'open' && event.depth === parent.depth + 1) yield event;
    }
  }

  /**
   * Collects the element just opened, with its text and descendants, once it closes. Besides the
   * per-element text cap, the whole record has a budget (RECORD_BUDGET_FACTOR × maxTokenChars,
   * elements counted at ELEMENT_COST characters each) so that one endless record, such as a
   * `<ReportItem>` with millions of children, cannot exhaust memory.
   */
  async readElement(open: XmlOpen): Promise<XmlElement> {
    const root = newElement(open);
    const stack: XmlElement[] = [root];
    let size = ELEMENT_COST;
    while (stack.length > 0) {
      if (this.index >= this.batch.length && !(await this.refill())) break; // unreachable: unclosed elements are rejected
      const event = this.batch[this.index++]!;
      const current = stack[stack.length - 1]!;
      if (event.type === 'open') {
        const element = newElement(event);
        current.children.push(element);
        stack.push(element);
        size += ELEMENT_COST;
      } else if (event.type === 'text') {
        // Several text/CDATA pieces can make up one element's text; cap their sum too.
        if (current.text.length + event.text.length > this.maxTokenChars) {
          throw this.errorAt(current, `the text of <${current.name}> is longer than the limit of ${this.maxTokenChars} characters`);
        }
        current.text += event.text;
        size += event.text.length;
      } else {
        stack.pop();
      }
      if (size > this.maxTokenChars * RECORD_BUDGET_FACTOR) {
        throw this.errorAt(root, `<${root.name}> is larger than the limit of ${this.maxTokenChars * RECORD_BUDGET_FACTOR} characters for one record`);
      }
    }
    return root;
  }

  /** Reads past the element just opened without keeping anything. */
  async skipElement(open: XmlOpen): Promise<void> {
    while (this.index < this.batch.length || (await this.refill())) {
      const event = this.batch[this.index++]!;
      if (event.type === 'close' && event.depth === open.depth) return;
    }
  }

  /** Reads to the end so the tokenizer's end-of-document checks run (trailing junk, truncation). */
  async expectEnd(): Promise<void> {
    while ((await this.next()) !== undefined) { /* nothing follows a closed root but whitespace */ }
  }

  /** A ParseError located at an element's start tag. */
  errorAt(at: { line: number; column: number }, message: string): ParseError {
    return new ParseError(message, { line: at.line, column: at.column });
  }

  /** Releases the source (destroys a Readable) when a parser stops early. */
  async close(): Promise<void> {
    await this.batches.return(undefined);
  }
}

function newElement(open: XmlOpen): XmlElement {
  return { name: open.name, attributes: open.attributes, text: '', children: [], line: open.line, column: open.column };
}
