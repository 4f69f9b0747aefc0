/**
 * Where a webhook may be sent. By default never to loopback, private, link-local or otherwise
 * internal addresses (a tenant must not reach the machine's or the network's internal services
 * through Intake); INTAKE_WEBHOOK_ALLOW_PRIVATE=true lifts that for development and tests.
 *
 * The check is made on the addresses the connection is then made to (`checkedLookup`, given to
 * the HTTP request as its `lookup`): a name that resolves to a public address when checked and to
 * an internal one a moment later (DNS rebinding) cannot slip through, since there is no second
 * resolution.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AppError } from '../errors/app-error.js';

const INTERNAL = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
// (IPv4-mapped IPv6 addresses are checked as the IPv4 address they carry, below.)
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

/** Checks the URL's form (for the API) — http(s), no credentials. */
export function checkWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('WEBHOOK_URL_INVALID', `"${raw.slice(0, 100)}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AppError('WEBHOOK_URL_INVALID', 'a webhook URL must be http or https');
  if (url.username || url.password) throw new AppError('WEBHOOK_URL_INVALID', 'a webhook URL may not carry credentials; use the signing secret');
  return url;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** How names are resolved: the system resolver (getaddrinfo), as every connection does. */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;
const systemResolver: Resolver = (host) => lookup(host, { all: true });

function refuseInternal(hostname: string, addresses: ResolvedAddress[]): void {
  for (const { address: raw, family: rawFamily } of addresses) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw)?.[1];
    const [address, family] = mapped ? [mapped, 4] : [raw, rawFamily];
    if (INTERNAL.check(address, family === 6 ? 'ipv6' : 'ipv4')) {
      throw new AppError('WEBHOOK_DESTINATION_FORBIDDEN', `${hostname} resolves to an internal address (${address}); webhooks go to public addresses only`);
    }
  }
}

/**
 * Refuses an internal destination before connecting. Only IP literals are decided here (no
 * resolution happens for them); names are checked by `checkedLookup` as the connection resolves them.
 */
export function assertDeliverable(url: URL, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  if (family) refuseInternal(url.hostname, [{ address: host, family }]);
}

/**
 * A `lookup` for http(s).request that resolves the name once, refuses it when any address is
 * internal (unless allowed), and hands exactly those addresses to the connection.
 */
export function checkedLookup(allowPrivate: boolean, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const addresses = family ? found.filter((a) => a.family === family) : found;
        if (addresses.length === 0) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
        if (!allowPrivate) refuseInternal(hostname, addresses);
        if (options.all) (callback as (error: null, addresses: ResolvedAddress[]) => void)(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
    ).catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}
