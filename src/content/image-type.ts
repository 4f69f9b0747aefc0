/**
 * Recognises the image formats a rich-text field may show from their first bytes (magic numbers),
 * never from the client's file name or Content-Type. SVG is deliberately not among them: it is
 * XML that can carry script, so it is stored and served as an opaque byte stream.
 */
export interface ImageType {
  ext: 'png' | 'jpg' | 'gif' | 'webp' | 'bmp';
  contentType: string;
}

/** How many leading bytes `detectImageType` needs to decide. */
export const IMAGE_HEAD_BYTES = 32;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Sizes of the BMP info headers Windows and OS/2 define (BITMAPCOREHEADER … BITMAPV5HEADER). */
const BMP_INFO_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

export function detectImageType(head: Uint8Array): ImageType | null {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (startsWith(bytes, PNG)) return { ext: 'png', contentType: 'image/png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { ext: 'jpg', contentType: 'image/jpeg' };
  const ascii6 = bytes.subarray(0, 6).toString('latin1');
  if (ascii6 === 'GIF87a' || ascii6 === 'GIF89a') return { ext: 'gif', contentType: 'image/gif' };
  if (bytes.length >= 16 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') {
    const chunk = bytes.subarray(12, 16).toString('latin1');
    if (chunk === 'VP8 ' || chunk === 'VP8L' || chunk === 'VP8X') return { ext: 'webp', contentType: 'image/webp' };
  }
  // "BM" alone is too weak a signature (plain text can start with it): the info header size must
  // be one of the defined ones too.
  if (bytes.length >= 18 && bytes[0] === 0x42 && bytes[1] === 0x4d && BMP_INFO_HEADER_SIZES.has(bytes.readUInt32LE(14))) {
    return { ext: 'bmp', contentType: 'image/bmp' };
  }
  return null;
}

function startsWith(bytes: Buffer, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}
