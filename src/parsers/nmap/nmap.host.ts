/**
 * What one Nmap `<host>` says about the machine: status, addresses, host names, OS guess and
 * open ports. Pure functions over collected elements; nmap.parser.ts gathers them per host.
 */
import type { AssetData } from '../contract.js';
import { findChild, findChildren, type XmlElement } from '../support/xml.js';
import { compact, nonEmpty, parseWholeNumber } from '../support/fields.js';

export interface HostFacts {
  state?: string;
  stateReason?: string;
  addresses: { addr: string; addrtype: string; vendor?: string }[];
  hostnames: { name: string; type?: string }[];
  os?: { name: string; accuracy?: number };
  openPorts: Record<string, unknown>[];
  /** Host `endtime` (else `starttime`) as ISO 8601: when Nmap last looked at the host. */
  seenAt?: string;
}

/** Where on the host a script ran: the port and the service Nmap identified on it. */
export interface PortContext {
  port?: number;
  protocol?: string;
  service?: string;
  product?: string;
  version?: string;
}

export function newHostFacts(hostAttributes: Record<string, string>): HostFacts {
  return { addresses: [], hostnames: [], openPorts: [], seenAt: epochToIso(hostAttributes.endtime) ?? epochToIso(hostAttributes.starttime) };
}

export function isUp(facts: HostFacts): boolean {
  return facts.state?.toLowerCase() === 'up';
}

export function addStatus(facts: HostFacts, status: XmlElement): void {
  facts.state = blankless(status.attributes.state);
  facts.stateReason = blankless(status.attributes.reason);
}

export function addAddress(facts: HostFacts, address: XmlElement): void {
  const addr = blankless(address.attributes.addr);
  if (addr) facts.addresses.push(compact({ addr, addrtype: address.attributes.addrtype?.trim().toLowerCase() ?? 'ipv4', vendor: blankless(address.attributes.vendor) }));
}

export function addHostnames(facts: HostFacts, hostnames: XmlElement): void {
  for (const hostname of findChildren(hostnames, 'hostname')) {
    const name = blankless(hostname.attributes.name);
    if (name) facts.hostnames.push(compact({ name, type: blankless(hostname.attributes.type) }));
  }
}

/** The most accurate `<osmatch>` (Nmap lists them best first; ties keep the first). */
export function addOs(facts: HostFacts, os: XmlElement): void {
  for (const match of findChildren(os, 'osmatch')) {
    const name = blankless(match.attributes.name);
    const accuracy = parseWholeNumber(match.attributes.accuracy);
    if (name && (facts.os === undefined || (accuracy ?? 0) > (facts.os.accuracy ?? 0))) facts.os = compact({ name, accuracy });
  }
}

/** The asset identity: the IPv4 address, else the IPv6 one, else whatever address is given. */
export function hostIdentity(facts: HostFacts): string | undefined {
  const byType = (type: string): string | undefined => facts.addresses.find((a) => a.addrtype === type)?.addr;
  return byType('ipv4') ?? byType('ipv6') ?? facts.addresses[0]?.addr;
}

export function hostAssetData(facts: HostFacts, identity: string): AssetData {
  const ip = facts.addresses.find((a) => a.addrtype === 'ipv4' || a.addrtype === 'ipv6')?.addr;
  const mac = facts.addresses.find((a) => a.addrtype === 'mac');
  // A name the user typed ("user") says more than a reverse-DNS one ("PTR").
  const hostname = facts.hostnames.find((h) => h.type === 'user')?.name ?? facts.hostnames[0]?.name;
  const extra = compact({
    hostnames: nonEmpty(facts.hostnames),
    macVendor: mac?.vendor,
    osAccuracy: facts.os?.accuracy,
    statusReason: facts.stateReason,
    ports: nonEmpty(facts.openPorts),
  });
  return compact({
    name: identity,
    ip,
    hostname,
    fqdn: facts.hostnames.find((h) => h.type === 'PTR')?.name,
    os: facts.os?.name,
    mac: mac?.addr,
    extra: Object.keys(extra).length > 0 ? extra : undefined,
  });
}

export function isOpenPort(port: XmlElement): boolean {
  return findChild(port, 'state')?.attributes.state?.trim().toLowerCase() === 'open';
}

export function portContext(port: XmlElement): PortContext {
  const service = findChild(port, 'service');
  return compact({
    port: parseWholeNumber(port.attributes.portid),
    protocol: blankless(port.attributes.protocol),
    service: blankless(service?.attributes.name),
    product: blankless(service?.attributes.product),
    version: blankless(service?.attributes.version),
  });
}

/** An open port as kept on the asset: port, protocol and what Nmap found listening. */
export function openPortSummary(port: XmlElement): Record<string, unknown> {
  const service = findChild(port, 'service');
  const cpes = service ? findChildren(service, 'cpe').map((cpe) => cpe.text.trim()).filter(Boolean) : [];
  return compact({
    ...portContext(port),
    extrainfo: blankless(service?.attributes.extrainfo),
    tunnel: blankless(service?.attributes.tunnel),
    cpe: nonEmpty(cpes),
  });
}

/** Nmap's Unix-time attributes (`start`, `endtime`) as ISO 8601; undefined when absent or not a number. */
export function epochToIso(raw: string | undefined): string | undefined {
  const seconds = parseWholeNumber(raw);
  return seconds === undefined || seconds === 0 ? undefined : new Date(seconds * 1000).toISOString();
}

function blankless(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
