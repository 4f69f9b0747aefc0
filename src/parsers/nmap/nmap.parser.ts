/**
 * Nmap XML output (`-oX`): `<nmaprun>` › `<host>` › (`status`, `address`, `hostnames`, `ports` ›
 * `port` › `script`, `os`, `hostscript` › `script`, …).
 *
 * Identity rule: an asset is each `<host>` whose `<status state="up">`, keyed by its address
 * (the IPv4 address, else the IPv6 one), trimmed and lower-cased; host names, MAC, the best OS
 * match and the open ports with their services are asset data (`extra.ports`). A host that is up
 * is an asset even with no open port. Findings come only from NSE vulnerability scripts (see
 * nmap.vulns.ts): a vulners entry is keyed by its vulners id (`CVE-2018-15919`, `EDB-ID:46516`),
 * any other reported vulnerability by its CVE id, else by the script id; a port or host script
 * that finds nothing adds nothing. The link carries port, protocol, service, product, version,
 * script, CPE and the script's output as `evidence`; Nmap files count no `evidence` records.
 *
 * Hosts that are down (listed with -v or -sL) are skipped. A scan with no host up is valid and
 * empty. Streaming: one `<port>` element at a time; per host, only the open-port summary and the
 * vulnerabilities found on it are kept until the host closes.
 */
import { assetKey, type ByteSource, type ParseOptions, type ParsedRecord, type Parser } from '../contract.js';
import { compact } from '../support/fields.js';
import { findChildren, XmlReader, type XmlElement, type XmlOpen } from '../support/xml.js';
import {
  addAddress, addHostnames, addOs, addStatus, hostAssetData, hostIdentity, isOpenPort, isUp, newHostFacts, openPortSummary,
  portContext, type HostFacts, type PortContext,
} from './nmap.host.js';
import { scriptVulns, type ScriptVuln } from './nmap.vulns.js';

const ROOT = 'nmaprun';

export const nmapParser: Parser = {
  source: 'nmap',
  displayName: 'Nmap XML output (-oX)',
  fileTypes: ['.xml'],
  sniff: (head) => /<nmaprun[\s>/]|<!DOCTYPE\s+nmaprun[\s>[]/.test(head),
  parse: parseNmap,
};

async function* parseNmap(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const xml = new XmlReader(input, options);
  try {
    const root = await xml.expectRoot(ROOT, 'an Nmap XML output (-oX) file');
    for await (const child of xml.childElements(root)) {
      if (child.name === 'host') yield* hostRecords(xml, child);
    }
    await xml.expectEnd();
  } finally {
    await xml.close();
  }
}

interface FoundVuln {
  vuln: ScriptVuln;
  scriptId: string;
  where?: PortContext;
}

async function* hostRecords(xml: XmlReader, host: XmlOpen): AsyncGenerator<ParsedRecord> {
  const facts = newHostFacts(host.attributes);
  const found: FoundVuln[] = [];
  for await (const child of xml.childElements(host)) {
    switch (child.name) {
      case 'status': addStatus(facts, await xml.readElement(child)); break;
      case 'address': addAddress(facts, await xml.readElement(child)); break;
      case 'hostnames': addHostnames(facts, await xml.readElement(child)); break;
      case 'os': addOs(facts, await xml.readElement(child)); break;
      case 'ports': await readPorts(xml, child, facts, found); break;
      case 'hostscript': found.push(...vulnsOf(await xml.readElement(child), undefined)); break;
      default: break; // times, trace, uptime, distance…: not kept
    }
  }
  if (!isUp(facts)) return;
  yield* upHostRecords(xml, host, facts, found);
}

async function readPorts(xml: XmlReader, ports: XmlOpen, facts: HostFacts, found: FoundVuln[]): Promise<void> {
  for await (const child of xml.childElements(ports)) {
    if (child.name !== 'port') continue; // extraports: counts of closed/filtered ports only
    const port = await xml.readElement(child);
    if (isOpenPort(port)) facts.openPorts.push(openPortSummary(port));
    found.push(...vulnsOf(port, portContext(port)));
  }
}

function vulnsOf(parent: XmlElement, where: PortContext | undefined): FoundVuln[] {
  return findChildren(parent, 'script').flatMap((script) =>
    scriptVulns(script).map((vuln) => ({ vuln, scriptId: script.attributes.id?.trim() ?? '', where })));
}

function* upHostRecords(xml: XmlReader, host: XmlOpen, facts: HostFacts, found: FoundVuln[]): Generator<ParsedRecord> {
  const identity = hostIdentity(facts);
  if (identity === undefined) throw xml.errorAt(host, '<host> is up but has no <address>; expected its IP address');
  const asset = assetKey(identity);
  yield { kind: 'asset', key: asset, data: hostAssetData(facts, identity) };
  for (const { vuln, scriptId, where } of found) {
    yield { kind: 'finding', key: vuln.key, data: compact({ ...vuln.finding, lastSeen: facts.seenAt }) };
    yield { kind: 'link', findingKey: vuln.key, assetKey: asset, detail: compact({ ...where, script: scriptId, ...vuln.detail }) };
  }
}
