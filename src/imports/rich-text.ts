/**
 * Rich text from scanner files (Burp and ZAP descriptions are HTML) is stored sanitised: the
 * formatting a report needs survives; scripts, event handlers, styles and javascript: URLs do not.
 */
import sanitizeHtml from 'sanitize-html';

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'b', 'i', 'em', 'strong', 'u', 'ul', 'ol', 'li', 'a', 'code', 'pre', 'blockquote',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'div', 'sub', 'sup', 'hr'],
  allowedAttributes: { a: ['href', 'title'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // Dropped elements lose their content too when it is code, not text.
  nonTextTags: ['script', 'style', 'textarea', 'noscript', 'iframe', 'object', 'embed', 'template'],
  disallowedTagsMode: 'discard',
};

/** Plain text (no markup, no entities) is returned as is: most scanner text is, and it is the hot path. */
export function sanitizeRichText(text: string): string {
  if (!/[<&]/.test(text)) return text;
  return sanitizeHtml(text, OPTIONS);
}
