/**
 * Pure mapping from collected OWASP ZAP report elements to normalised data. zap.parser.ts walks
 * the file; these functions see one `<site>` start tag, one alert's fields or one `<instance>`.
 *
 * ZAP's text fields are plain text in old reports and HTML (escaped in the XML) in newer ones;
 * both are kept as written (the engine sanitises rich text).
 */
import type { AssetData, FindingData, Severity } from '../contract.js';
import { childText, findChild, findChildren, type XmlElement } from '../support/xml.js';
import { compact, cwesInText, nonEmpty, normaliseCwe, unique } from '../support/fields.js';

/** ZAP risk codes: 0 informational, 1 low, 2 medium, 3 high (ZAP has no critical). */
const SEVERITY_BY_RISKCODE: Readonly<Record<string, Severity>> = {
  '0': 'Informational', '1': 'Low', '2': 'Medium', '3': 'High',
};
/** The first word of `<riskdesc>` ("Medium (High)"), for a report without a usable riskcode. */
const SEVERITY_BY_WORD: Readonly<Record<string, Severity>> = {
  informational: 'Informational', information: 'Informational', info: 'Informational', low: 'Low', medium: 'Medium', high: 'High',
};

/**
 * Request and response texts longer than this are shortened in the link detail: a ZAP
 * "xml-plus" report may carry a multi-megabyte body per instance, and every instance becomes a
 * detail row of the (finding, asset) pair; the beginning is what a reader needs as proof.
 */
export const MAX_MESSAGE_CHARS = 64 * 1024;

/** The raw asset identity of a `<site>`: its `name` (a URL such as `https://example.com`). */
export function siteIdentity(attributes: Record<string, string>): string | undefined {
  const name = attributes.name?.trim();
  if (name) return name;
  // No name: rebuild the URL ZAP would have written from host, port and ssl.
  const host = attributes.host?.trim();
  if (!host) return undefined;
  const scheme = attributes.ssl?.trim() === 'true' ? 'https' : 'http';
  const port = attributes.port?.trim();
  return port ? `${scheme}://${host}:${port}` : `${scheme}://${host}`;
}

export function siteAssetData(identity: string, attributes: Record<string, string>): AssetData {
  const extra = compact({ host: blankless(attributes.host), port: blankless(attributes.port), ssl: blankless(attributes.ssl) });
  return compact({
    name: identity,
    hostname: blankless(attributes.host),
    extra: Object.keys(extra).length > 0 ? extra : undefined,
  });
}

/** The finding key: `<pluginid>`, else the scan rule id at the start of `<alertRef>` ("10020-1" → "10020"). */
export function alertKey(fields: XmlElement): string | undefined {
  return childText(fields, 'pluginid') ?? childText(fields, 'alertRef')?.split('-')[0]?.trim() ?? undefined;
}

export function alertSeverity(fields: XmlElement): Severity {
  const byCode = SEVERITY_BY_RISKCODE[childText(fields, 'riskcode') ?? ''];
  if (byCode) return byCode;
  const word = childText(fields, 'riskdesc')?.split(/\s/)[0]?.toLowerCase() ?? '';
  return SEVERITY_BY_WORD[word] ?? 'Informational';
}

export function alertFinding(fields: XmlElement, key: string): FindingData {
  const tags = alertTags(fields);
  const cweid = childText(fields, 'cweid');
  const cwes = [cweid, ...tags.map((tag) => tag.name)].map((raw) => (raw ? normaliseCwe(raw) ?? cwesInText(raw)[0] : undefined));
  return compact({
    title: childText(fields, 'name') ?? childText(fields, 'alert') ?? `ZAP alert ${key}`,
    severity: alertSeverity(fields),
    toolSeverity: childText(fields, 'riskcode') ?? childText(fields, 'riskdesc'),
    description: childText(fields, 'desc'),
    solution: childText(fields, 'solution'),
    references: nonEmpty(splitReferences(childText(fields, 'reference') ?? '')),
    // ZAP writes -1 or 0 when a rule has no CWE; neither names a weakness.
    cwes: nonEmpty(unique(cwes.filter((cwe): cwe is string => cwe !== undefined && cwe !== 'CWE-0'))),
    extra: alertExtra(fields, tags),
  });
}

function alertExtra(fields: XmlElement, tags: AlertTag[]): Record<string, unknown> | undefined {
  const wascid = childText(fields, 'wascid');
  const extra = compact({
    pluginId: childText(fields, 'pluginid'),
    alertRef: childText(fields, 'alertRef'),
    riskdesc: childText(fields, 'riskdesc'),
    // `<reliability>` is what ZAP before 2.4 called the confidence.
    confidence: childText(fields, 'confidence') ?? childText(fields, 'reliability'),
    confidencedesc: childText(fields, 'confidencedesc'),
    wascid: wascid && Number(wascid) > 0 ? wascid : undefined,
    sourceid: childText(fields, 'sourceid'),
    otherinfo: dedent(findChild(fields, 'otherinfo')?.text ?? '') || undefined,
    tags: nonEmpty(tags),
  });
  return Object.keys(extra).length > 0 ? extra : undefined;
}

interface AlertTag {
  name: string;
  link?: string;
}

/** ZAP 2.12+ `<tags><tag><tag>CWE-79</tag><link>…</link></tag></tags>`. */
function alertTags(fields: XmlElement): AlertTag[] {
  const tags = findChild(fields, 'tags');
  if (!tags) return [];
  return findChildren(tags, 'tag').flatMap((tag) => {
    const name = childText(tag, 'tag');
    return name ? [compact({ name, link: childText(tag, 'link') })] : [];
  });
}

/**
 * Where one instance of the alert was seen and what proves it: the detail of one link. Works on
 * an `<instance>` and on a pre-2.5 `<alertitem>`, which carried a single instance's fields itself.
 */
export function instanceDetail(instance: XmlElement): Record<string, unknown> {
  return compact({
    location: childText(instance, 'uri'),
    method: childText(instance, 'method'),
    parameter: childText(instance, 'param'),
    attack: childText(instance, 'attack'),
    evidence: proofText(instance),
  });
}

/** The instance's evidence, other info and, in "xml-plus" reports, its request and response. */
function proofText(instance: XmlElement): string | undefined {
  const otherInfo = dedent(findChild(instance, 'otherinfo')?.text ?? '');
  const request = message(instance, 'requestheader', 'requestbody');
  const response = message(instance, 'responseheader', 'responsebody');
  const parts = [
    childText(instance, 'evidence'),
    otherInfo ? `Other info:\n${otherInfo}` : undefined,
    request ? `REQUEST\n${request}` : undefined,
    response ? `RESPONSE\n${response}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

function message(instance: XmlElement, headerName: string, bodyName: string): string | undefined {
  const header = shorten(dedent(findChild(instance, headerName)?.text ?? ''));
  const body = shorten(findChild(instance, bodyName)?.text.trim() ?? '');
  if (!header && !body) return undefined;
  return body ? `${header}\n\n${body}` : header;
}

function shorten(text: string): string {
  if (text.length <= MAX_MESSAGE_CHARS) return text;
  return `${text.slice(0, MAX_MESSAGE_CHARS)}\n[… ${text.length - MAX_MESSAGE_CHARS} more characters not kept]`;
}

/**
 * Pretty-printed reports indent the lines of multi-line texts (headers, other info) with the
 * XML; the indentation common to every line is not part of the message.
 */
export function dedent(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0].length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(Math.min(common, /^[ \t]*/.exec(line)![0].length))).join('\n');
}

/**
 * `<reference>` holds several URLs: separated by `<p>` tags (HTML reports of ZAP 2.10+), by line
 * breaks, or simply run together ("http://a/http://b", ZAP 2.9 and older). Each becomes one
 * reference; an archive.org address that embeds another URL is kept whole.
 */
export function splitReferences(text: string): string[] {
  const pieces = text
    .replace(/<\/?p\s*>|<br\s*\/?>/gi, '\n')
    .split(/\s*\n\s*/)
    .flatMap(splitRunTogetherUrls)
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0);
  return unique(pieces);
}

function splitRunTogetherUrls(line: string): string[] {
  const parts = line.split(/(?<=\S)(?=https?:\/\/)/);
  const joined: string[] = [];
  for (const part of parts) {
    const previous = joined[joined.length - 1];
    // https://web.archive.org/web/20180329210925/http://example.com/ is one address.
    if (previous !== undefined && /web\.archive\.org\/web\/\d+[a-z_]*\/$/i.test(previous)) joined[joined.length - 1] = previous + part;
    else joined.push(part);
  }
  return joined;
}

function blankless(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
