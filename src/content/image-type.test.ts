import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectImageType } from './image-type.js';

const bmpHeader = () => {
  const b = Buffer.alloc(54);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(54, 2);
  b.writeUInt32LE(40, 14);
  return b;
};

test('recognises PNG, JPEG, GIF, WebP and BMP by their first bytes', () => {
  const cases: [Buffer, string, string][] = [
    [Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'png', 'image/png'],
    [Buffer.from('ffd8ffe000104a464946', 'hex'), 'jpg', 'image/jpeg'],
    [Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'gif', 'image/gif'],
    [Buffer.from('GIF87a\x01\x00\x01\x00', 'latin1'), 'gif', 'image/gif'],
    [Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]), 'webp', 'image/webp'],
    [Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8L')]), 'webp', 'image/webp'],
    [bmpHeader(), 'bmp', 'image/bmp'],
  ];
  for (const [bytes, ext, contentType] of cases) assert.deepEqual(detectImageType(bytes), { ext, contentType }, ext);
});

test('SVG, HTML, text and truncated signatures are not images', () => {
  const notImages = [
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<?xml version="1.0"?><svg/>',
    '<html><img src=x onerror=alert(1)></html>',
    'BM is also how this sentence starts',
    'RIFF....WAVEfmt ',
    'GIF8',
    '',
  ];
  for (const text of notImages) assert.equal(detectImageType(Buffer.from(text, 'latin1')), null, JSON.stringify(text));
  assert.equal(detectImageType(Buffer.from('89504e47', 'hex')), null, 'a PNG signature cut short');
});

test('a Uint8Array view into a larger buffer is read from its own offset', () => {
  const backing = Buffer.concat([Buffer.from('xxxx'), Buffer.from('ffd8ffe0', 'hex')]);
  assert.equal(detectImageType(backing.subarray(4))?.ext, 'jpg');
  assert.equal(detectImageType(backing.subarray(0))?.ext, undefined);
});
