/**
 * CUID-like ids, as PlexTrac gives WriteupsDB repositories and assessment questions
 * ("cl0e3lc0c002318mx4y2bg3wn"): 25 lower-case base-36 characters starting with "c", made of a
 * millisecond timestamp, a per-process counter and random bytes. Unique without coordination;
 * roughly time-ordered; not guessable.
 */
import { randomBytes } from 'node:crypto';

const LENGTH = 25;
let counter = Math.floor(Math.random() * 36 ** 4);

export function newCuid(now: number = Date.now()): string {
  counter = (counter + 1) % 36 ** 4;
  const time = now.toString(36).padStart(8, '0').slice(-8);
  const count = counter.toString(36).padStart(4, '0');
  const random = BigInt(`0x${randomBytes(12).toString('hex')}`).toString(36).padStart(12, '0').slice(-12);
  return `c${time}${count}${random}`.slice(0, LENGTH);
}

export function isCuid(value: string): boolean {
  return /^c[0-9a-z]{24}$/.test(value);
}
