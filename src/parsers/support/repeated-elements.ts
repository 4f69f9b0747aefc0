/**
 * Recognises a record element that repeats, field for field, the last one kept under the same key,
 * before any mapping is done for it. A Nessus scan repeats a plugin's whole `<ReportItem>`
 * (description, solution, references, scores…) on every host it was found on, and only the port
 * and the plugin output differ; mapping every copy into a finding, only for the engine's repeat
 * detector (src/imports/repeat-detector.ts) to compare and drop it again, took about a quarter of
 * an import's staging time. Comparing the raw element costs a pass over strings the tokenizer
 * already made.
 *
 * A parser that uses it skips the finding of a repeated element and yields the rest (links,
 * evidence) as usual. That is exactly what the engine's detector would have done: the kept element
 * is the one whose finding was the last yielded under the key, so a repeat maps to the same
 * finding. This makes the parser keep state across records (the contract prefers stateless
 * parsers), bounded by a budget: once it is spent, elements under keys not yet kept always count
 * as new (correct, only slower), while keys already kept keep being compared.
 */
import type { XmlElement } from './xml-element.js';

/** Estimated bytes of elements kept; past this, new keys are not kept. */
export const REPEATED_ELEMENTS_BUDGET_BYTES = 32 * 1024 * 1024;

export interface RepeatRules {
  /** Attributes of the record element that do not feed the repeated part (a port, say). */
  ignoredAttributes: readonly string[];
  /** Direct children that do not feed it (the per-host plugin output, say). */
  ignoredChildren: readonly string[];
}

/**
 * A kept element: attribute names and values flattened in document order, children likewise.
 * Comparing in order avoids looking up parser strings as property keys or Set members, which
 * makes V8 hash (or internalise) every one of them: the costliest part of a first version.
 */
interface Kept {
  name: string;
  text: string;
  attributes: string[];
  children: Kept[];
}

export class RepeatedElements {
  private readonly kept = new Map<string, { element: Kept; bytes: number }>();
  private keptBytes = 0;

  constructor(private readonly rules: RepeatRules, private readonly budgetBytes = REPEATED_ELEMENTS_BUDGET_BYTES) {}

  /**
   * True when `element` equals, less the ignored parts, the element last kept under `key`;
   * otherwise keeps a copy of it (budget permitting) and answers false.
   */
  repeats(key: string, element: XmlElement): boolean {
    const last = this.kept.get(key);
    if (last && this.sameRecord(element, last.element)) return true;
    if (last) {
      this.keptBytes -= last.bytes;
      this.kept.delete(key);
    }
    const copy = this.keepable(element);
    const bytes = keptBytes(copy);
    if (this.keptBytes + bytes <= this.budgetBytes) {
      this.keptBytes += bytes;
      // A clone: the parser's strings are often slices of a whole input chunk, which a kept
      // slice would keep alive with it.
      this.kept.set(key, { element: structuredClone(copy), bytes });
    }
    return false;
  }

  private keepable(element: XmlElement): Kept {
    const attributes: string[] = [];
    for (const name in element.attributes) {
      if (!this.rules.ignoredAttributes.includes(name)) attributes.push(name, element.attributes[name]!);
    }
    const children = element.children.filter((child) => !this.rules.ignoredChildren.includes(child.name)).map(toKept);
    return { name: element.name, text: element.text, attributes, children };
  }

  private sameRecord(element: XmlElement, kept: Kept): boolean {
    let next = 0;
    const { ignoredAttributes, ignoredChildren } = this.rules;
    for (const name in element.attributes) {
      if (ignoredAttributes.includes(name)) continue;
      if (kept.attributes[next] !== name || kept.attributes[next + 1] !== element.attributes[name]) return false;
      next += 2;
    }
    if (next !== kept.attributes.length) return false;
    next = 0;
    for (const child of element.children) {
      if (ignoredChildren.includes(child.name)) continue;
      const keptChild = kept.children[next++];
      if (!keptChild || !sameElement(child, keptChild)) return false;
    }
    return next === kept.children.length;
  }
}

function toKept(element: XmlElement): Kept {
  const attributes: string[] = [];
  for (const name in element.attributes) attributes.push(name, element.attributes[name]!);
  return { name: element.name, text: element.text, attributes, children: element.children.map(toKept) };
}

/** Equal name, attributes, text and children, in document order. */
function sameElement(element: XmlElement, kept: Kept): boolean {
  if (element.name !== kept.name || element.text !== kept.text || element.children.length !== kept.children.length) return false;
  let next = 0;
  for (const name in element.attributes) {
    if (kept.attributes[next] !== name || kept.attributes[next + 1] !== element.attributes[name]) return false;
    next += 2;
  }
  if (next !== kept.attributes.length) return false;
  for (let i = 0; i < element.children.length; i++) if (!sameElement(element.children[i]!, kept.children[i]!)) return false;
  return true;
}

/** Rough bytes held for a kept element: two per UTF-16 unit plus a little per object and slot. */
function keptBytes(kept: Kept): number {
  let bytes = 64 + 2 * (kept.name.length + kept.text.length);
  for (const value of kept.attributes) bytes += 16 + 2 * value.length;
  for (const child of kept.children) bytes += keptBytes(child);
  return bytes;
}
