/**
 * RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits) for tests, written independently of Intake's own
 * implementation so that a bug there cannot hide itself.
 */
import { createHmac } from 'node:crypto';

export function totp(secretBase32: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** The current 30-second step. */
export const stepNow = (): number => Math.floor(Date.now() / 30_000);
