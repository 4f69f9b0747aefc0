/**
 * Where a webhook may be sent. By default never to loopback, private, link-local or otherwise
 * internal addresses (a tenant must not reach the machine's or the network's internal services
 * through Intake); INTAKE_WEBHOOK_ALLOW_PRIVATE=true lifts that for development and tests.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
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

/** Resolves the host and refuses internal addresses unless allowed (checked at each delivery). */
export async function assertDeliverable(url: URL, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  for (const { address: raw, family: rawFamily } of addresses) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw)?.[1];
    const [address, family] = mapped ? [mapped, 4] : [raw, rawFamily];
    if (INTERNAL.check(address, family === 6 ? 'ipv6' : 'ipv4')) {
      throw new AppError('WEBHOOK_DESTINATION_FORBIDDEN', `${url.hostname} resolves to an internal address (${address}); webhooks go to public addresses only`);
    }
  }
}
