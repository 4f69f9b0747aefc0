/**
 * INTAKE_TRUST_PROXY: which X-Forwarded-For hops to believe when working out a client's address
 * (the per-address login limit depends on it). By default none: a client that talks to Intake
 * directly could otherwise claim any address it likes and dodge the limit. Behind a reverse proxy,
 * list the proxy's addresses (Intake then takes the last address in X-Forwarded-For that is not a
 * listed proxy), or say `true` (the first address in the header, which only a proxy that replaces
 * the header makes trustworthy).
 *
 * Hop counts are refused rather than accepted: Fastify 5.12.1 dropped them (a count cannot tell the
 * proxy from a client that connects directly and sends enough hops), so one would silently trust
 * nothing.
 */
import { isIP } from 'node:net';

export type TrustProxy = boolean | string[];

/** Names proxy-addr (Fastify's X-Forwarded-For reader) understands as address ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const TRUE_WORDS = new Set(['true', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

/** Returns the setting, or a problem naming what was expected; `raw` undefined means unset. */
export function parseTrustProxy(raw: string | undefined): { value: TrustProxy } | { problem: string } {
  if (raw === undefined) return { value: false };
  const text = raw.trim();
  const lower = text.toLowerCase();
  if (TRUE_WORDS.has(lower)) return { value: true };
  if (FALSE_WORDS.has(lower)) return { value: false };
  if (/^\d+$/.test(text)) {
    return {
      problem: `INTAKE_TRUST_PROXY: hop counts (found ${text}) are not supported, as they cannot tell a proxy from a client; list the proxy's addresses instead (e.g. loopback, 10.0.0.0/8)`,
    };
  }
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const bad = entries.filter((entry) => !isAddressOrRange(entry));
  if (entries.length === 0 || bad.length > 0) {
    return {
      problem:
        'INTAKE_TRUST_PROXY: expected false, true, or a comma-separated list of proxy addresses ' +
        `(IPs, CIDR ranges, loopback, linklocal, uniquelocal); found ${bad.length > 0 ? bad.map((b) => `"${b}"`).join(', ') : `"${text}"`}`,
    };
  }
  return { value: entries.map((entry) => entry.toLowerCase()) };
}

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry.toLowerCase())) return true;
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length > 0 || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d+$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
