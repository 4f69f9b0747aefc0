/**
 * Rapid7 Nexpose / InsightVM "XML Export" reports (`<NexposeReport version="2.0">`, and the older
 * version 1.0 with the same shape): `scans`, then `nodes` › `node address=…` (names, fingerprints,
 * `tests` › `test`, `endpoints` › `endpoint` › `services` › `service` › `tests` › `test`), then
 * `VulnerabilityDefinitions` › `vulnerability id=…` with title, severity, CVSS, description,
 * references and solution. Nothing larger than one test or one definition is held in memory.
 *
 * Identity rules:
 * - finding: the Nexpose vulnerability id (`test id` = `vulnerability id`), lower-cased because
 *   Nexpose matches them case-insensitively (`FTP-GENERIC-0006` defines `ftp-generic-0006`). Only
 *   ids with a vulnerable test are findings: status `vulnerable-exploited`, `vulnerable-version`,
 *   `vulnerable-potential` or `potential` (version 1.0 files also list `not-vulnerable`,
 *   `skipped-*` and `error` tests, and define those too). Severity 1–10 maps to Critical 9–10,
 *   High 7–8, Medium 4–6, Low 1–3.
 * - asset: the node's `address` attribute (its first name when it has no address), trimmed and
 *   lower-cased; a node without vulnerable tests is still an asset.
 * - link: one per vulnerable test; port, protocol and service (for tests under an endpoint),
 *   status, key, vulnerable-since are its detail and the test's text its `evidence`.
 *
 * Definitions come after the nodes, so links are emitted as tests are read and each finding when
 * its definition arrives; the parser remembers one small entry per distinct vulnerability id
 * (bounded by Nexpose's check catalogue, not by the file's size). An id tested vulnerable but never
 * defined still becomes a finding, titled by its id, at the end. Timestamps (`20210211T164506081`)
 * are read as UTC.
 */
import { assetKey, type ByteSource, type ParseOptions, type ParsedRecord, type Parser } from '../contract.js';
import { parseWholeNumber } from '../support/fields.js';
import { resolveLimits } from '../support/limits.js';
import { childTexts, XmlReader, type XmlElement, type XmlOpen } from '../support/xml.js';
import { renderContent } from './nexpose.content.js';
import {
  definitionFindingData, isVulnerableStatus, nexposeTimestamp, nodeAssetData, testDetail, undefinedFindingData,
  vulnerabilityKey, type Definition, type NodeFacts, type TestPlace,
} from './nexpose.mapping.js';

const ROOT = 'NexposeReport';
/** One rendered description, solution or test output may be this many times the token limit. */
const CONTENT_BUDGET_FACTOR = 4;

export const nexposeParser: Parser = {
  source: 'nexpose',
  aliases: ['insightvm', 'rapid7'],
  displayName: 'Rapid7 Nexpose / InsightVM (XML Export 2.0)',
  fileTypes: ['.xml'],
  sniff: (head) => new RegExp(`^(?:\\s|<\\?[\\s\\S]*?\\?>|<!--[\\s\\S]*?-->|<!DOCTYPE[^[>]*(?:\\[[\\s\\S]*?\\])?\\s*>)*<${ROOT}[\\s>/]`).test(head.replace(/^\uFEFF/, '')),
  parse: parseNexpose,
};

/** What the tests said about one vulnerability id, kept until its definition. */
interface Detected {
  firstSeen?: string;
  described: boolean;
}

interface WalkState {
  detected: Map<string, Detected>;
  /** Whether a `<nodes>` section has begun: definitions seen before any are all emitted. */
  nodesSeen: boolean;
  maxContentChars: number;
}

async function* parseNexpose(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const xml = new XmlReader(input, options);
  const state: WalkState = {
    detected: new Map(), nodesSeen: false, maxContentChars: resolveLimits(options).maxTokenChars * CONTENT_BUDGET_FACTOR,
  };
  try {
    const root = await xml.expectRoot(ROOT, 'a Rapid7 Nexpose XML export');
    yield* sectionRecords(xml, root, state);
    await xml.expectEnd();
    for (const [id, seen] of state.detected) {
      if (!seen.described) yield { kind: 'finding', key: id, data: undefinedFindingData(id, seen.firstSeen) };
    }
  } finally {
    await xml.close();
  }
}

/** The report's sections; a node may (in some exports) nest `nodes` and definitions too. */
async function* sectionRecords(xml: XmlReader, parent: XmlOpen, state: WalkState): AsyncGenerator<ParsedRecord> {
  for await (const child of xml.childElements(parent)) {
    if (child.name === 'nodes') yield* nodesRecords(xml, child, state);
    else if (child.name === 'VulnerabilityDefinitions') yield* definitionsRecords(xml, child, state);
  }
}

async function* nodesRecords(xml: XmlReader, nodes: XmlOpen, state: WalkState): AsyncGenerator<ParsedRecord> {
  state.nodesSeen = true;
  for await (const node of xml.childElements(nodes)) {
    if (node.name === 'node') yield* nodeRecords(xml, node, state);
  }
}

/** One node: its asset (once names and fingerprints are read), then a link per vulnerable test. */
async function* nodeRecords(xml: XmlReader, node: XmlOpen, state: WalkState): AsyncGenerator<ParsedRecord> {
  const facts: NodeFacts = { names: [] };
  let key: string | undefined;
  for await (const child of xml.childElements(node)) {
    switch (child.name) {
      case 'names':
        facts.names = childTexts(await xml.readElement(child), 'name');
        break;
      case 'fingerprints':
        facts.os ??= likeliestOs(await xml.readElement(child));
        break;
      case 'tests':
      case 'endpoints':
        if (key === undefined) {
          key = nodeKey(xml, node, facts);
          yield { kind: 'asset', key, data: nodeAssetData(node.attributes, identityOf(node, facts), facts) };
        }
        if (child.name === 'tests') yield* testsRecords(xml, child, key, {}, state);
        else yield* endpointsRecords(xml, child, key, state);
        break;
      // Some exports nest these inside a node; they mean the same there.
      case 'nodes':
        yield* nodesRecords(xml, child, state);
        break;
      case 'VulnerabilityDefinitions':
        yield* definitionsRecords(xml, child, state);
        break;
    }
  }
  if (key === undefined) {
    key = nodeKey(xml, node, facts);
    yield { kind: 'asset', key, data: nodeAssetData(node.attributes, identityOf(node, facts), facts) };
  }
}

function identityOf(node: XmlOpen, facts: NodeFacts): string {
  return node.attributes.address?.trim() || facts.names[0]?.trim() || '';
}

function nodeKey(xml: XmlReader, node: XmlOpen, facts: NodeFacts): string {
  const identity = identityOf(node, facts);
  if (identity === '') throw xml.errorAt(node, '<node> has no address attribute and no name; expected the scanned asset\'s address');
  return assetKey(identity);
}

/** The operating system fingerprint Nexpose is most certain of. */
function likeliestOs(fingerprints: XmlElement): Record<string, string> | undefined {
  const candidates = fingerprints.children.filter((child) => child.name === 'os');
  candidates.sort((a, b) => Number(b.attributes.certainty ?? 0) - Number(a.attributes.certainty ?? 0));
  return candidates[0]?.attributes;
}

async function* endpointsRecords(xml: XmlReader, endpoints: XmlOpen, asset: string, state: WalkState): AsyncGenerator<ParsedRecord> {
  for await (const endpoint of xml.childElements(endpoints)) {
    if (endpoint.name !== 'endpoint') continue;
    const port = parseWholeNumber(endpoint.attributes.port);
    const protocol = endpoint.attributes.protocol?.trim().toLowerCase() || undefined;
    for await (const services of xml.childElements(endpoint)) {
      if (services.name !== 'services') continue;
      for await (const service of xml.childElements(services)) {
        if (service.name !== 'service') continue;
        const place: TestPlace = { port, protocol, service: service.attributes.name?.trim() || undefined };
        for await (const part of xml.childElements(service)) {
          if (part.name === 'tests') yield* testsRecords(xml, part, asset, place, state);
        }
      }
    }
  }
}

/** A link per vulnerable test; other tests (not vulnerable, skipped, error) are read past. */
async function* testsRecords(xml: XmlReader, tests: XmlOpen, asset: string, place: TestPlace, state: WalkState): AsyncGenerator<ParsedRecord> {
  for await (const test of xml.childElements(tests)) {
    if (test.name !== 'test' || !isVulnerableStatus(test.attributes.status)) continue;
    const id = vulnerabilityKey(test.attributes.id);
    if (id === '') throw xml.errorAt(test, '<test> has no id attribute; expected the Nexpose vulnerability id');
    const output = await renderContent(xml, test, 'text', state.maxContentChars);
    const since = nexposeTimestamp(test.attributes['vulnerable-since']);
    remember(state, id, since);
    yield { kind: 'link', findingKey: id, assetKey: asset, detail: testDetail(test.attributes, place, output) };
  }
}

function remember(state: WalkState, id: string, since: string | undefined): void {
  const seen = state.detected.get(id);
  if (!seen) state.detected.set(id, since === undefined ? { described: false } : { firstSeen: since, described: false });
  else if (since !== undefined && (seen.firstSeen === undefined || since < seen.firstSeen)) seen.firstSeen = since;
}

/** A finding per definition of a vulnerability some test found (all of them if no node came yet). */
async function* definitionsRecords(xml: XmlReader, definitions: XmlOpen, state: WalkState): AsyncGenerator<ParsedRecord> {
  for await (const vulnerability of xml.childElements(definitions)) {
    if (vulnerability.name !== 'vulnerability') continue;
    const id = vulnerabilityKey(vulnerability.attributes.id);
    if (id === '') throw xml.errorAt(vulnerability, '<vulnerability> has no id attribute; expected the Nexpose vulnerability id');
    let seen = state.detected.get(id);
    if (!seen) {
      if (state.nodesSeen) continue; // defined, but no asset was found vulnerable to it
      seen = { described: false };
      state.detected.set(id, seen);
    }
    if (seen.described) continue; // a repeated definition: the first one stands
    const definition = await readDefinition(xml, vulnerability, state.maxContentChars);
    seen.described = true;
    yield { kind: 'finding', key: id, data: definitionFindingData(definition, seen.firstSeen) };
  }
}

async function readDefinition(xml: XmlReader, vulnerability: XmlOpen, maxChars: number): Promise<Definition> {
  const definition: Definition = { attributes: vulnerability.attributes };
  for await (const child of xml.childElements(vulnerability)) {
    switch (child.name) {
      case 'description': definition.description = await renderContent(xml, child, 'html', maxChars); break;
      case 'solution': definition.solution = await renderContent(xml, child, 'html', maxChars); break;
      case 'references': definition.references = await xml.readElement(child); break;
      case 'tags': definition.tags = await xml.readElement(child); break;
      case 'exploits': definition.exploits = await xml.readElement(child); break;
      case 'malware': definition.malware = await xml.readElement(child); break;
    }
  }
  return definition;
}
