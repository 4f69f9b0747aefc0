/**
 * Rich text from scanner files (Burp and ZAP descriptions are HTML) and from API clients is stored
 * sanitised: the formatting a report needs survives; scripts, event handlers, styles and
 * javascript: URLs do not. Images survive only when they show a file uploaded to this instance
 * (`<img src="/api/v1/uploads/<uuid>.<ext>">`, PlexTrac's way of putting images in rich text):
 * any other source (remote, data:, relative elsewhere) could track readers or smuggle content.
 */
import sanitizeHtml from 'sanitize-html';

/** The only image sources kept: an uploaded image of this instance, by its generated name. */
const UPLOADED_IMAGE_SRC = /^\/api\/v1\/uploads\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(?:png|jpg|gif|webp|bmp)$/;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'b', 'i', 'em', 'strong', 'u', 'ul', 'ol', 'li', 'a', 'code', 'pre', 'blockquote',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'div', 'sub', 'sup', 'hr', 'img'],
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'width', 'height'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // Dropped elements lose their content too when it is code, not text.
  nonTextTags: ['script', 'style', 'textarea', 'noscript', 'iframe', 'object', 'embed', 'template'],
  disallowedTagsMode: 'discard',
  exclusiveFilter: (frame) => frame.tag === 'img' && !UPLOADED_IMAGE_SRC.test(frame.attribs.src ?? ''),
};

/** Plain text (no markup, no entities) is returned as is: most scanner text is, and it is the hot path. */
export function sanitizeRichText(text: string): string {
  if (!/[<&]/.test(text)) return text;
  return sanitizeHtml(text, OPTIONS);
}
