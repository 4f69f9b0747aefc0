/**
 * Nexpose writes descriptions, solutions and test output as mixed content: `<Paragraph>` text
 * with `<UnorderedList>`, `<ListItem>`, `<URLLink>` inside, text and elements interleaved. A
 * collected XmlElement keeps an element's text apart from its children, losing that order, so
 * these fields are rendered straight from the event stream instead: to HTML for findings (the
 * engine sanitises it) and to plain text for a test's proof.
 */
import type { XmlOpen, XmlReader } from '../support/xml.js';

export type ContentFormat = 'html' | 'text';

/**
 * HTML for each Nexpose block element; anything unknown contributes its content only. Paragraphs
 * nest in Nexpose (a paragraph holding paragraphs and lists), which `<p>` cannot, hence `<div>`.
 */
const HTML_TAGS: Readonly<Record<string, string>> = {
  Paragraph: 'div', UnorderedList: 'ul', OrderedList: 'ol', ListItem: 'li', Table: 'table', TableRow: 'tr', TableCell: 'td',
};
/** Elements that start a new line in the text rendering. */
const TEXT_BLOCKS = new Set(['Paragraph', 'UnorderedList', 'OrderedList', 'ListItem', 'TableRow', 'ContainerBlockElement']);

interface Frame {
  close: string;
  preformatted: boolean;
  link?: { url: string; hasText: boolean };
}

/**
 * Reads the content of `open` (the element just opened) up to its end tag and renders it. The
 * output is capped at `maxChars` characters so one endless field cannot exhaust memory.
 */
export async function renderContent(xml: XmlReader, open: XmlOpen, format: ContentFormat, maxChars: number): Promise<string> {
  const out: string[] = [];
  const stack: Frame[] = [];
  let size = 0;
  for (let event = await xml.next(); event !== undefined; event = await xml.next()) {
    let piece = '';
    if (event.type === 'close') {
      if (event.depth === open.depth) break;
      piece = closing(stack.pop(), format);
    } else if (event.type === 'open') {
      const frame = opening(event, format, stack[stack.length - 1]?.preformatted ?? false);
      stack.push(frame.frame);
      piece = frame.markup;
    } else {
      const preformatted = stack[stack.length - 1]?.preformatted ?? false;
      const link = stack[stack.length - 1]?.link;
      if (link && event.text.trim()) link.hasText = true;
      piece = preformatted ? escapeFor(format, event.text) : escapeFor(format, event.text.replace(/\s+/g, ' '));
    }
    size += piece.length;
    if (size > maxChars) throw xml.errorAt(open, `the content of <${open.name}> is larger than the limit of ${maxChars} characters`);
    out.push(piece);
  }
  return format === 'html' ? tidyHtml(out.join('')) : tidyText(out.join(''));
}

function opening(event: XmlOpen, format: ContentFormat, insidePre: boolean): { frame: Frame; markup: string } {
  const preformatted = insidePre || /^true$/i.test(event.attributes.preformat ?? event.attributes.preFormat ?? '');
  if (event.name === 'URLLink') {
    const url = (event.attributes.LinkURL ?? event.attributes.href ?? '').trim();
    const title = (event.attributes.LinkTitle ?? '').trim();
    const link = { url: url || title, hasText: false };
    if (format === 'text') return { frame: { close: '', preformatted, link }, markup: '' };
    return { frame: { close: '</a>', preformatted, link }, markup: `<a href="${escapeAttribute(link.url)}">` };
  }
  if (format === 'text') {
    const marker = event.name === 'ListItem' ? '\n- ' : TEXT_BLOCKS.has(event.name) ? '\n' : '';
    return { frame: { close: TEXT_BLOCKS.has(event.name) ? '\n' : '', preformatted }, markup: marker };
  }
  const tag = event.name === 'Paragraph' && preformatted ? 'pre' : HTML_TAGS[event.name];
  return tag ? { frame: { close: `</${tag}>`, preformatted }, markup: `<${tag}>` } : { frame: { close: '', preformatted }, markup: '' };
}

/** The end of an element; a link without text shows its address. */
function closing(frame: Frame | undefined, format: ContentFormat): string {
  if (!frame) return '';
  if (frame.link && !frame.link.hasText) {
    const shown = escapeFor(format, frame.link.url);
    return format === 'text' ? ` ${shown} ` : `${shown}${frame.close}`;
  }
  if (frame.link && format === 'text' && frame.link.url) return ` (${frame.link.url}) `;
  return frame.close;
}

function escapeFor(format: ContentFormat, text: string): string {
  return format === 'html' ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Drops the blanks that the file's indentation left around block tags. */
function tidyHtml(html: string): string {
  return html
    .replace(/\s*(<\/?(?:div|ul|ol|li|table|tr|td)>)\s*/g, '$1')
    .replace(/<div><\/div>/g, '')
    .trim();
}

/** One line per block, trimmed, without empty lines. */
function tidyText(text: string): string {
  return text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0).join('\n');
}
