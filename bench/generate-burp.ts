/**
 * Writes a synthetic but realistic Burp Suite issues export (XML) of any size, streaming: one
 * `<issue>` is rendered at a time. Seeded, so the same shape always gives the same bytes, and it
 * returns the counts the parser must find (DESIGN.md "What an import counts").
 *
 * Shape follows real exports: Burp's internal DTD, issue types repeated across many hosts, host
 * URLs spelt in mixed case (one asset once normalised), HTML inside CDATA, and the bulk of the
 * bytes in `<requestresponse>` evidence: base64 requests and responses (HTML pages with
 * multi-byte text, now and then a binary body with NUL bytes), some plain-text requests, some
 * responses blank or absent, and Information issues without any exchange.
 */
import type { RecordCounts } from '../src/parsers/support/count-records.js';
import { mulberry32, pick, pickIndex, words } from './support/random.js';
import { renderToFile, type TextSink } from './support/text-sink.js';

export interface BurpShape {
  issues: number;
  /** Distinct target URLs issues are spread over. */
  hosts: number;
  /** Size of the issue-type catalogue issues are drawn from. */
  issueTypes: number;
  /** Average response body in bytes before base64 (each varies from half to 1.5 times it). */
  responseBytes: number;
  seed?: number;
}

export interface GeneratedBurp {
  expected: RecordCounts;
  bytes: number;
}

export async function generateBurpFile(path: string, shape: BurpShape): Promise<GeneratedBurp> {
  return renderToFile(path, (sink) => writeBurp(sink, shape));
}

/** Renders the whole export into `sink`; returns the expected counts. */
export async function writeBurp(sink: TextSink, shape: BurpShape): Promise<{ expected: RecordCounts }> {
  const random = mulberry32(shape.seed ?? 7);
  const types = Array.from({ length: shape.issueTypes }, (_, i) => makeIssueType(i, random));
  const usedTypes = new Set<number>();
  const usedHosts = new Set<number>();
  const pairs = new Set<string>();
  let evidence = 0;

  await sink.write(HEADER);
  for (let n = 0; n < shape.issues; n++) {
    const type = types[pickIndex(random, types.length)]!;
    const host = pickIndex(random, shape.hosts);
    usedTypes.add(type.id);
    usedHosts.add(host);
    pairs.add(`${type.id} ${host}`);
    // Information issues mostly come without any exchange; others carry one to three.
    const exchanges = type.severity === 'Information' && random() < 0.7 ? 0 : 1 + pickIndex(random, 3);
    evidence += exchanges;
    await sink.write(renderIssue(n, type, host, exchanges, shape.responseBytes, random));
  }
  await sink.write('</issues>\n');
  return { expected: { findings: usedTypes.size, assets: usedHosts.size, finding_assets: pairs.size, evidence } };
}

const HEADER = `<?xml version="1.0"?>
<!DOCTYPE issues [
<!ELEMENT issues (issue*)>
<!ATTLIST issues burpVersion CDATA "">
<!ATTLIST issues exportTime CDATA "">
<!ELEMENT issue (serialNumber, type, name, host, path, location, severity, confidence, issueBackground?, remediationBackground?, references?, vulnerabilityClassifications?, issueDetail?, issueDetailItems?, remediationDetail?, requestresponse*, collaboratorEvent*, infiniteCollaboratorEvent*, staticAnalysis*, dynamicAnalysis*, prototypePollution*)>
<!ELEMENT host (#PCDATA)>
<!ATTLIST host ip CDATA "">
<!ELEMENT requestresponse (request?, response?, responseRedirected?)>
<!ELEMENT request (#PCDATA)>
<!ATTLIST request method CDATA "">
<!ATTLIST request base64 (true|false) "false">
<!ELEMENT response (#PCDATA)>
<!ATTLIST response base64 (true|false) "false">
]>
<issues burpVersion="2023.10.3.4" exportTime="Mon Jan 01 10:00:00 UTC 2024">
`;

interface IssueType {
  id: number;
  name: string;
  severity: string;
  /** The issue's fixed text, rendered once: every issue of the type repeats it, as Burp does. */
  text: string;
}

const SEVERITIES = ['High', 'Medium', 'Low', 'Information'];
const NAMES = ['Cross-site scripting (reflected)', 'SQL injection', 'Frameable response (potential Clickjacking)', 'Cookie without HttpOnly flag set', 'TLS certificate', 'Open redirection (DOM-based)'];
const PATHS = ['/', '/search', '/login', '/api/v1/orders', '/profile', '/static/app.js', '/admin/export'];
const PARAMS = ['q', 'id', 'returnUrl', 'name', 'page'];

function makeIssueType(i: number, random: () => number): IssueType {
  const id = 1048576 + i * 256;
  const name = `${NAMES[i % NAMES.length]} ${i}`;
  const cwe = 20 + (i % 900);
  const text = `    <issueBackground><![CDATA[<p>${words(random, 60 + pickIndex(random, 120))}</p><p>${words(random, 40)}</p>]]></issueBackground>
    <remediationBackground><![CDATA[<p>${words(random, 30 + pickIndex(random, 60))}</p>]]></remediationBackground>
    <references><![CDATA[<ul><li><a href="https://portswigger.net/kb/issues/${id.toString(16)}">Burp KB</a></li><li><a href="https://example.test/?a=${i}&amp;b=2">Advisory</a></li></ul>]]></references>
    <vulnerabilityClassifications><![CDATA[<ul><li><a href="https://cwe.mitre.org/data/definitions/${cwe}.html">CWE-${cwe}: Improper Input Validation</a></li></ul>]]></vulnerabilityClassifications>
`;
  return { id, name, severity: pick(random, SEVERITIES), text };
}

/** Target URLs: https://app<n>.bench.test, spelt with capitals now and then (same asset once normalised). */
function hostUrl(host: number, random: () => number): string {
  const url = `https://app${host}.bench.test`;
  return random() < 0.1 ? url.replace('app', 'App').replace('bench', 'Bench') : url;
}

function renderIssue(n: number, type: IssueType, host: number, exchanges: number, responseBytes: number, random: () => number): string {
  const path = pick(random, PATHS);
  const param = pick(random, PARAMS);
  const parts = [
    `  <issue>
    <serialNumber>${7_000_000_000 + n}</serialNumber>
    <type>${type.id}</type>
    <name>${type.name}</name>
    <host ip="198.51.${(host >> 8) & 255}.${host & 255}">${hostUrl(host, random)}</host>
    <path><![CDATA[${path}]]></path>
    <location><![CDATA[${path} [${param} parameter]]]></location>
    <severity>${type.severity}</severity>
    <confidence>${pick(random, ['Certain', 'Firm', 'Tentative'])}</confidence>
${type.text}    <issueDetail><![CDATA[The value of the <b>${param}</b> parameter is copied into the response (${n}).]]></issueDetail>
`,
  ];
  for (let e = 0; e < exchanges; e++) parts.push(renderExchange(host, path, param, responseBytes, random));
  parts.push('  </issue>\n');
  return parts.join('');
}

const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');

function renderExchange(host: number, path: string, param: string, responseBytes: number, random: () => number): string {
  const method = random() < 0.7 ? 'GET' : 'POST';
  const request = `${method} ${path}?${param}=${pickIndex(random, 1e6)} HTTP/1.1\r\nHost: app${host}.bench.test\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: text/html\r\nCookie: session=${pickIndex(random, 1e9).toString(36)}\r\n\r\n`;
  // One request in ten is plain text, as Burp writes when base64 is off.
  const requestXml = random() < 0.1
    ? `<request method="${method}" base64="false"><![CDATA[${request}]]></request>`
    : `<request method="${method}" base64="true"><![CDATA[${b64(request)}]]></request>`;
  const roll = random();
  let responseXml: string;
  if (roll < 0.03) responseXml = ''; // no response recorded
  else if (roll < 0.06) responseXml = '<response base64="true"></response>';
  else responseXml = `<response base64="true"><![CDATA[${b64(responseBody(responseBytes, random))}]]></response>`;
  return `    <requestresponse>
      ${requestXml}
      ${responseXml}
      <responseRedirected>false</responseRedirected>
    </requestresponse>
`;
}

/** An HTTP response of about `average` bytes: mostly HTML with multi-byte text, now and then binary. */
function responseBody(average: number, random: () => number): Buffer {
  const target = Math.floor(average * (0.5 + random()));
  if (random() < 0.05) {
    const head = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n');
    const body = Buffer.alloc(target);
    for (let i = 0; i < target; i++) body[i] = i % 7 === 0 ? 0 : pickIndex(random, 256);
    return Buffer.concat([head, body]);
  }
  const lines = ['HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nServer: nginx\r\n\r\n<!doctype html><html><body>\n'];
  for (let length = lines[0]!.length; length < target; ) {
    const line = `<p>Résultat ${pickIndex(random, 1e6)} « ${words(random, 8)} » ✓</p>\n`;
    lines.push(line);
    length += Buffer.byteLength(line);
  }
  lines.push('</body></html>');
  return Buffer.from(lines.join(''));
}
