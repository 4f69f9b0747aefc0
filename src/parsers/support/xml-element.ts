/**
 * One collected element (a record such as a `<ReportItem>`), and the small queries parsers run
 * on it. Records have simple children, so these direct-child lookups are all that is needed.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** Text and CDATA directly inside the element, concatenated, untrimmed. */
  text: string;
  children: XmlElement[];
  /** Where the start tag ends, for error messages. */
  line: number;
  column: number;
}

/** The first direct child with this name. */
export function findChild(parent: XmlElement, name: string): XmlElement | undefined {
  return parent.children.find((child) => child.name === name);
}

/** Every direct child with this name, in document order. */
export function findChildren(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((child) => child.name === name);
}

/** The trimmed text of the first child with this name; undefined when absent or blank. */
export function childText(parent: XmlElement, name: string): string | undefined {
  const text = findChild(parent, name)?.text.trim();
  return text ? text : undefined;
}

/** The trimmed, non-blank texts of every child with this name (repeated fields such as `<cve>`). */
export function childTexts(parent: XmlElement, name: string): string[] {
  const texts: string[] = [];
  for (const child of parent.children) {
    if (child.name !== name) continue;
    const text = child.text.trim();
    if (text) texts.push(text);
  }
  return texts;
}
