/**
 * A short human description of what a file looks like from its first bytes, for error texts
 * such as "expected a Nessus file, but the file looks like XML with root element <issues>".
 */
export function describeHead(head: string): string {
  const text = head.replace(/^\uFEFF/, '');
  if (text.trim() === '') return 'an empty file';
  // The head may end inside a multi-byte character (decoded as U+FFFD): ignore its last bytes.
  const sample = text.slice(0, Math.min(512, Math.max(0, text.length - 3)));
  if (/[\u0000-\u0008\u000e-\u001f\uFFFD]/.test(sample)) return 'binary data, not text';
  const root = firstXmlElement(text);
  if (root) return `XML with root element <${root}>`;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const keys = [...trimmed.slice(0, 2048).matchAll(/"([^"\\]{1,40})"\s*:/g)].map((m) => m[1]).slice(0, 5);
    return keys.length ? `JSON with keys ${keys.map((k) => `"${k}"`).join(', ')}` : 'JSON';
  }
  const firstLine = trimmed.split(/\r?\n/, 1)[0] ?? '';
  if (/[,;\t]/.test(firstLine)) return `CSV or text whose first line is "${firstLine.slice(0, 80)}"`;
  return `text starting "${trimmed.slice(0, 60).replace(/\s+/g, ' ')}"`;
}

function firstXmlElement(text: string): string | undefined {
  // Skip the declaration, comments, processing instructions and the DOCTYPE (with an internal subset).
  const withoutProlog = text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/gi, '');
  return /^\s*<([A-Za-z_][\w.:-]*)/.exec(withoutProlog)?.[1];
}
