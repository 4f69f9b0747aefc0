/**
 * Pure mapping from one collected Burp `<issue>` element to normalised data. Burp's text fields
 * are HTML inside CDATA; they are kept as they are (the platform renders rich text).
 */
import type { AssetData, FindingData, Severity } from '../contract.js';
import { childText, childTexts, findChild, findChildren, type XmlElement } from '../support/xml.js';
import { compact, cwesInText, nonEmpty, unique } from '../support/fields.js';

const SEVERITY_BY_NAME: Readonly<Record<string, Severity>> = {
  high: 'High', medium: 'Medium', low: 'Low', information: 'Informational', informational: 'Informational', info: 'Informational',
};

/** Burp's own severity word (High, Medium, Low, Information); anything else ("False positive") counts as Informational. */
export function issueSeverity(issue: XmlElement): Severity {
  return SEVERITY_BY_NAME[childText(issue, 'severity')?.toLowerCase() ?? ''] ?? 'Informational';
}

export function findingData(issue: XmlElement, key: string): FindingData {
  return compact({
    title: childText(issue, 'name') ?? `Burp issue type ${key}`,
    severity: issueSeverity(issue),
    toolSeverity: childText(issue, 'severity'),
    description: joinParts(childText(issue, 'issueBackground'), childText(issue, 'issueDetail')),
    solution: joinParts(childText(issue, 'remediationBackground'), childText(issue, 'remediationDetail')),
    references: nonEmpty(linksInHtml(childText(issue, 'references') ?? '')),
    cwes: nonEmpty(cwesInText(childText(issue, 'vulnerabilityClassifications') ?? '')),
    extra: compact({ burpSeverity: childText(issue, 'severity') }),
  });
}

/** The asset is the `<host>` text (a URL such as `https://example.com`) with its `ip` attribute. */
export function assetData(host: XmlElement): AssetData {
  const name = host.text.trim();
  return compact({ name, ip: host.attributes.ip?.trim() || undefined, hostname: hostnameOf(name) });
}

/** Where on the asset the issue was seen, and how sure Burp is: details of the (finding, asset) pair. */
export function linkDetail(issue: XmlElement): Record<string, unknown> {
  const detailItems = findChild(issue, 'issueDetailItems');
  return compact({
    path: childText(issue, 'path'),
    location: childText(issue, 'location'),
    confidence: childText(issue, 'confidence'),
    serialNumber: childText(issue, 'serialNumber'),
    detailItems: detailItems ? nonEmpty(childTexts(detailItems, 'issueDetailItem')) : undefined,
  });
}

export interface BurpEvidence {
  label: string;
  content: string;
}

/** One evidence per `<requestresponse>`, even when the response is blank or absent. */
export function evidenceOf(issue: XmlElement): BurpEvidence[] {
  const where = childText(issue, 'location') ?? childText(issue, 'path') ?? '';
  const serial = childText(issue, 'serialNumber');
  return findChildren(issue, 'requestresponse').map((exchange, index) => {
    const request = findChild(exchange, 'request');
    const method = request?.attributes.method?.trim();
    // The serial number and position keep labels distinct: Burp repeats identical exchanges
    // across issues, and evidence identity includes the label.
    const origin = [serial ? `issue ${serial}` : undefined, `request ${index + 1}`].filter(Boolean).join(', ');
    return {
      label: `${method ? `${method} ` : ''}${where} (${origin})`.trim(),
      content: `REQUEST\n${messageText(request)}\n\nRESPONSE\n${messageText(findChild(exchange, 'response'))}`,
    };
  });
}

/**
 * A request or response as text: base64-decoded when `base64="true"` (Burp's DTD default is
 * false), read as UTF-8. Binary bodies may hold NUL characters, which PostgreSQL text and jsonb
 * reject; they become U+FFFD so one image response cannot fail a whole import.
 */
function messageText(message: XmlElement | undefined): string {
  if (!message) return '';
  const text = message.attributes.base64?.trim() === 'true' ? Buffer.from(message.text, 'base64').toString('utf8') : message.text;
  return text.replace(/\u0000/g, '\uFFFD');
}

function joinParts(...parts: (string | undefined)[]): string | undefined {
  const present = parts.filter((part): part is string => part !== undefined);
  return present.length > 0 ? present.join('\n\n') : undefined;
}

/** The `href` targets of an HTML list such as `<ul><li><a href="…">…</a></li></ul>`. */
function linksInHtml(html: string): string[] {
  return unique([...html.matchAll(/href\s*=\s*(["'])(.*?)\1/gi)].map((m) => decodeHtmlAttribute(m[2]!.trim())).filter(Boolean));
}

function decodeHtmlAttribute(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function hostnameOf(hostText: string): string | undefined {
  try {
    return new URL(hostText).hostname || undefined;
  } catch {
    return undefined; // not a URL (a bare host name): the name says it all
  }
}
