import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizeRichText } from './rich-text.js';

test('keeps formatting and plain text as they are', () => {
  assert.equal(sanitizeRichText('Disable RC4 and 3DES.'), 'Disable RC4 and 3DES.');
  assert.equal(sanitizeRichText('<p>See <a href="https://example.test/x">this</a> and <b>that</b>.</p>'), '<p>See <a href="https://example.test/x">this</a> and <b>that</b>.</p>');
  assert.equal(sanitizeRichText('a &amp; b'), 'a &amp; b');
});

test('drops scripts, event handlers, styles and javascript: URLs', () => {
  assert.equal(sanitizeRichText('<p onclick="steal()">x</p><script>alert(1)</script>'), '<p>x</p>');
  assert.equal(sanitizeRichText('<img src=x onerror="alert(1)">ok'), 'ok');
  assert.equal(sanitizeRichText('<a href="javascript:alert(1)">go</a>'), '<a>go</a>');
  assert.equal(sanitizeRichText('<style>body{}</style><iframe src="https://evil.test"></iframe>text'), 'text');
});
