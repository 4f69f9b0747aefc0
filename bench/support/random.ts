/**
 * The seeded randomness every bench generator draws from, so the same options always give the
 * same bytes (Math.random cannot be seeded).
 */

/** Small, fast, seedable PRNG (mulberry32, public domain): numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function pickIndex(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[pickIndex(random, items.length)]!;
}

const WORDS = 'the remote host is affected by a vulnerability that allows an attacker to execute arbitrary code via crafted requests'.split(' ');

/** `count` words of plausible advisory prose. */
export function words(random: () => number, count: number): string {
  return Array.from({ length: count }, () => pick(random, WORDS)).join(' ');
}
