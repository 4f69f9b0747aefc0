/**
 * Greenbone/OpenVAS XML reports: the file the web UI downloads (`<report format_id=…>` wrapping
 * an inner `<report>`), the GMP/OMP answer (`<get_reports_response>` › `<report>` › `<report>`),
 * and older single-level `<report>`s. Results sit in `<results>` › `<result>`*; one result at a
 * time is held in memory.
 *
 * Identity rules:
 * - finding: the NVT oid (`<nvt oid=…>`) of each result; every result is imported, log level
 *   (severity 0, Informational) included. Severity comes from the result's numeric `<severity>`
 *   on NVD ranges (Critical from 9.0), else from its `<threat>` word.
 * - asset: the result's `<host>` text (its own text, not the nested `<asset>`/`<hostname>`),
 *   trimmed and lower-cased. The report's per-host summaries (`<report><host><ip>`) add OS and
 *   host name to assets that results named, but do not make assets of their own: a host without
 *   results is not an asset of an OpenVAS import.
 * - link: one per result; port, protocol, host name, threat, QoD are its detail and the result's
 *   `<description>` (Greenbone's per-host output) its `evidence` (no evidence records).
 *
 * A report without results (`<results/>`) is valid and yields nothing.
 */
import { assetKey, type ByteSource, type ParseOptions, type ParsedRecord, type Parser } from '../contract.js';
import { findChild, XmlReader, type XmlElement, type XmlOpen } from '../support/xml.js';
import { findingData, linkDetail, resultAssetData, summaryAssetData } from './openvas.mapping.js';

const ROOTS = ['report', 'get_reports_response'] as const;

/**
 * Hosts named by results, so their summaries can enrich them. Bounded: past this many hosts the
 * summaries are no longer used (assets keep what the results said), and memory stays flat.
 */
const MAX_REMEMBERED_HOSTS = 100_000;

export const openvasParser: Parser = {
  source: 'openvas',
  aliases: ['greenbone', 'gvm'],
  displayName: 'Greenbone / OpenVAS report (XML)',
  fileTypes: ['.xml'],
  sniff: sniffOpenvas,
  parse: parseOpenvas,
};

interface WalkState {
  hostsWithResults: Set<string> | undefined;
}

async function* parseOpenvas(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const xml = new XmlReader(input, options);
  try {
    const root = await expectOpenvasRoot(xml);
    yield* containerRecords(xml, root, { hostsWithResults: new Set() });
    await xml.expectEnd();
  } finally {
    await xml.close();
  }
}

async function expectOpenvasRoot(xml: XmlReader): Promise<XmlOpen> {
  for (let event = await xml.next(); event !== undefined; event = await xml.next()) {
    if (event.type !== 'open') continue;
    if ((ROOTS as readonly string[]).includes(event.name)) return event;
    throw xml.errorAt(event, `expected the root element <report> or <get_reports_response> of a Greenbone/OpenVAS XML report, found <${event.name}>`);
  }
  // Unreachable in practice: the tokenizer rejects a document without a root.
  throw new Error('no root element');
}

/** A `<report>` (or the GMP response around one): nested reports, results and host summaries. */
async function* containerRecords(xml: XmlReader, container: XmlOpen, state: WalkState): AsyncGenerator<ParsedRecord> {
  for await (const child of xml.childElements(container)) {
    if (child.name === 'report') {
      yield* containerRecords(xml, child, state);
    } else if (child.name === 'results') {
      for await (const result of xml.childElements(child)) {
        if (result.name === 'result') yield* resultRecords(xml, await xml.readElement(result), state);
      }
    } else if (child.name === 'host') {
      const summary = summaryRecord(await xml.readElement(child), state);
      if (summary) yield summary;
    }
  }
}

function* resultRecords(xml: XmlReader, result: XmlElement, state: WalkState): Generator<ParsedRecord> {
  const oid = findChild(result, 'nvt')?.attributes.oid?.trim();
  if (!oid) throw xml.errorAt(result, '<result> has no <nvt oid="…">; expected the id of the NVT that reported it');
  const host = findChild(result, 'host');
  // The address is the host element's own text; the name is a fallback for name-only targets.
  const identity = host ? host.text.trim() || (findChild(host, 'hostname')?.text.trim() ?? '') : '';
  if (!host || identity === '') throw xml.errorAt(result, `<result> for NVT ${oid} has no <host>; expected the scanned host's address`);
  const key = assetKey(identity);
  rememberHost(state, key);
  yield { kind: 'asset', key, data: resultAssetData(host, identity) };
  yield { kind: 'finding', key: oid, data: findingData(result, oid) };
  yield { kind: 'link', findingKey: oid, assetKey: key, detail: linkDetail(result, host) };
}

function rememberHost(state: WalkState, key: string): void {
  const hosts = state.hostsWithResults;
  if (!hosts || hosts.has(key)) return;
  if (hosts.size >= MAX_REMEMBERED_HOSTS) state.hostsWithResults = undefined;
  else hosts.add(key);
}

/** A report's `<host>` summary, as asset data for a host that results already named. */
function summaryRecord(host: XmlElement, state: WalkState): ParsedRecord | undefined {
  const identity = findChild(host, 'ip')?.text.trim();
  if (!identity) return undefined;
  const key = assetKey(identity);
  if (!state.hostsWithResults?.has(key)) return undefined;
  return { kind: 'asset', key, data: summaryAssetData(host, identity) };
}

/** The root element's name and attribute text, past the declaration, comments and DOCTYPE. */
const ROOT_TAG = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)*<([A-Za-z_][\w.:-]*)([^>]*)/;

/**
 * `<get_reports_response>` is Greenbone's own. `<report>` is generic (other tools use it too), so it
 * must also carry Greenbone's marks: a `format_id`/`content_type` attribute on the root, or GMP/OMP
 * elements (`<gmp>`, `<omp>`, `<scan_run_status>`, `<nvt oid=`) in the head.
 */
function sniffOpenvas(head: string): boolean {
  const root = ROOT_TAG.exec(head.replace(/^\uFEFF/, ''));
  if (!root) return false;
  if (root[1] === 'get_reports_response') return true;
  if (root[1] !== 'report') return false;
  return /\b(format_id|content_type)\s*=/.test(root[2] ?? '') || /<(gmp|omp|scan_run_status)>|<nvt\s+oid\s*=/.test(head);
}
