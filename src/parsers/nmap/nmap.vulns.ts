/**
 * The vulnerabilities one NSE `<script>` element reports, from the three shapes Nmap writes:
 *
 * - `vulners`: `<table key="cpe:/…">` › `<table>` › `<elem key="id|type|cvss|is_exploit">`, one
 *   entry per known vulnerability (or public exploit) of the detected version; older runs only
 *   have the `output` text ("CVE-2018-15919  5.0  https://vulners.com/cve/CVE-2018-15919").
 * - the `vulns` library (smb-vuln-*, ssl-heartbleed, http-vuln-*…): `<table key="CVE-…|NMAP-n">`
 *   with `<elem key="state">`, `title`, `ids`, `scores`, `description`, `refs`; only the states
 *   VULNERABLE, VULNERABLE (…) and LIKELY VULNERABLE are findings.
 * - text only (old Nmap, or scripts outside the library): an `output` with "State: VULNERABLE".
 *
 * Finding keys: a vulners entry is keyed by its vulners id (`CVE-2018-15919`, `EDB-ID:46516`…);
 * any other reported vulnerability by its CVE id when it has one, else by the script id
 * (`NMAP-n` table keys are per-run counters, not identities). Every other script is ignored.
 */
import type { FindingData, Severity } from '../contract.js';
import { findChildren, type XmlElement } from '../support/xml.js';
import { compact, nonEmpty, parseScore, unique } from '../support/fields.js';

export interface ScriptVuln {
  key: string;
  finding: FindingData;
  /** Detail of the (finding, asset) pair beyond the port: CPE, state, proof text. */
  detail: Record<string, unknown>;
}

/** A reported vulnerability with no score or risk factor at all. */
const DEFAULT_SEVERITY: Severity = 'Medium';
const SEVERITY_BY_WORD: Readonly<Record<string, Severity>> = {
  critical: 'Critical', high: 'High', medium: 'Medium', med: 'Medium', moderate: 'Medium', low: 'Low', none: 'Informational', info: 'Informational',
};

export function scriptVulns(script: XmlElement): ScriptVuln[] {
  const scriptId = script.attributes.id?.trim() ?? '';
  const output = script.attributes.output ?? '';
  if (scriptId === 'vulners') return vulnersVulns(script, output);
  const reports = vulnsLibraryReports(script);
  if (reports.length > 0) {
    return reports.filter((report) => isVulnerable(elems(report).get('state'))).map((report) => vulnsLibraryVuln(scriptId, report, output));
  }
  return textVulns(scriptId, output);
}

/** CVSS 0 / <4 / <7 / <9 / ≥9, the NVD bands. */
export function severityOfScore(score: number | undefined): Severity | undefined {
  if (score === undefined) return undefined;
  if (score === 0) return 'Informational';
  if (score < 4) return 'Low';
  if (score < 7) return 'Medium';
  return score < 9 ? 'High' : 'Critical';
}

function isVulnerable(state: string | undefined): boolean {
  return state !== undefined && /^(LIKELY\s+)?VULNERABLE\b/i.test(state.trim());
}

// ---- vulners -------------------------------------------------------------------------------

function vulnersVulns(script: XmlElement, output: string): ScriptVuln[] {
  const found: ScriptVuln[] = [];
  for (const cpeTable of findChildren(script, 'table')) {
    for (const entry of findChildren(cpeTable, 'table')) {
      const fields = elems(entry);
      const id = fields.get('id');
      if (id) found.push(vulnersVuln(id, fields.get('type'), fields.get('cvss'), fields.get('is_exploit') === 'true', cpeTable.attributes.key?.trim()));
    }
  }
  return found.length > 0 ? found : vulnersFromText(output);
}

/** Lines of the plain-text output: a `cpe:/…:` header, then `ID <tab> CVSS <tab> URL [*EXPLOIT*]`. */
function vulnersFromText(output: string): ScriptVuln[] {
  const found: ScriptVuln[] = [];
  let cpe: string | undefined;
  for (const line of output.split(/\r?\n/)) {
    const header = /^\s*(cpe:\/\S+?):?\s*$/.exec(line);
    if (header) cpe = header[1];
    const entry = /^\s*(\S+)\s+(\d+(?:\.\d+)?)\s+(https?:\/\/\S+)(\s+\*EXPLOIT\*)?\s*$/.exec(line);
    if (entry) {
      const type = /vulners\.com\/([^/]+)\//.exec(entry[3]!)?.[1];
      found.push(vulnersVuln(entry[1]!, type, entry[2], entry[4] !== undefined, cpe));
    }
  }
  return found;
}

function vulnersVuln(id: string, type: string | undefined, cvss: string | undefined, isExploit: boolean, cpe: string | undefined): ScriptVuln {
  const score = parseScore(cvss);
  const url = type ? `https://vulners.com/${type}/${id}` : undefined;
  return {
    key: id,
    finding: compact({
      title: id,
      severity: severityOfScore(score) ?? DEFAULT_SEVERITY,
      toolSeverity: cvss?.trim() || undefined,
      description: isExploit
        ? `${id} is a public exploit listed by vulners.com for the software version Nmap detected.`
        : `${id} is listed by vulners.com as a vulnerability of the software version Nmap detected.`,
      references: url ? [url] : undefined,
      cves: nonEmpty(cvesIn(id)),
      extra: compact({ script: 'vulners', vulnersType: type, isExploit, cvss: score }),
    }),
    detail: compact({ cpe, evidence: [id, cvss, url, isExploit ? '*EXPLOIT*' : undefined].filter(Boolean).join('\t') }),
  };
}

// ---- vulns library ---------------------------------------------------------------------------

/** Tables with a `state` element; a script may also write one report's elements directly. */
function vulnsLibraryReports(script: XmlElement): XmlElement[] {
  const tables = findChildren(script, 'table').filter((table) => elems(table).has('state'));
  return tables.length === 0 && elems(script).has('state') ? [script] : tables;
}

function vulnsLibraryVuln(scriptId: string, report: XmlElement, output: string): ScriptVuln {
  const fields = elems(report);
  const ids = listElems(subTable(report, 'ids'));
  const cves = unique([report.attributes.key ?? '', fields.get('cve') ?? '', ...ids].flatMap(cvesIn));
  const scores = elems(subTable(report, 'scores'));
  const v3 = parseCvss(scores.get('CVSSv3'));
  const v2 = parseCvss(scores.get('CVSSv2') ?? scores.get('CVSS'));
  const riskFactor = fields.get('risk_factor') ?? /Risk factor:\s*([A-Za-z]+)/.exec(output)?.[1];
  const description = listElems(subTable(report, 'description')).join('\n');
  return {
    key: cves[0] ?? scriptId,
    finding: compact({
      title: fields.get('title') ?? scriptId,
      severity: severityOfScore(v3?.score) ?? severityOfScore(v2?.score) ?? severityOfWord(riskFactor) ?? DEFAULT_SEVERITY,
      toolSeverity: riskFactor ?? scores.get('CVSSv3') ?? scores.get('CVSSv2'),
      description: description || undefined,
      references: nonEmpty(unique(listElems(subTable(report, 'refs')))),
      cves: nonEmpty(cves),
      cvssV3Score: v3?.score,
      cvssV3Vector: v3?.vector,
      cvssV2Score: v2?.score,
      cvssV2Vector: v2?.vector,
      extra: compact({ script: scriptId, ids: nonEmpty(ids.filter((id) => cvesIn(id).length === 0)), disclosure: fields.get('disclosure') }),
    }),
    detail: compact({ state: fields.get('state'), evidence: output.trim() || undefined }),
  };
}

/** "9.8 (CRITICAL) (CVSS:3.0/AV:N/…)" or "6.5 (MED) (AV:N/…)" → score and vector. */
function parseCvss(raw: string | undefined): { score?: number; vector?: string } | undefined {
  if (raw === undefined) return undefined;
  const score = parseScore(/^\s*(\d+(?:\.\d+)?)/.exec(raw)?.[1]);
  const vector = [...raw.matchAll(/\(([^()]*\/[^()]*)\)/g)].pop()?.[1]?.trim();
  return score === undefined && vector === undefined ? undefined : compact({ score, vector });
}

// ---- text only -------------------------------------------------------------------------------

/**
 * Blocks of the text the vulns library prints: a title line, then "State: …", "IDs: …",
 * "Risk factor: …" lines, until the next title. Used only when the XML has no tables.
 */
function textVulns(scriptId: string, output: string): ScriptVuln[] {
  const lines = output.split(/\r?\n/);
  const found: ScriptVuln[] = [];
  lines.forEach((line, index) => {
    const state = /^\s*State:\s*(.+?)\s*$/.exec(line)?.[1];
    if (!isVulnerable(state)) return;
    const title = titleBefore(lines, index) ?? scriptId;
    const next = lines.findIndex((other, i) => i > index && /^\s*State:/.test(other));
    const block = lines.slice(index + 1, next === -1 ? undefined : next - 1).join('\n');
    const cves = cvesIn(/IDs:\s*(.*)/.exec(block)?.[1] ?? '');
    const riskFactor = /Risk factor:\s*([A-Za-z]+)/.exec(block)?.[1];
    const v3 = parseScore(/CVSSv3:\s*(\d+(?:\.\d+)?)/.exec(block)?.[1]);
    const v2 = parseScore(/CVSSv2:\s*(\d+(?:\.\d+)?)/.exec(block)?.[1]);
    const references = [...(/References:([\s\S]*)/.exec(block)?.[1] ?? '').matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
    found.push({
      key: cves[0] ?? scriptId,
      finding: compact({
        title,
        severity: severityOfScore(v3) ?? severityOfScore(v2) ?? severityOfWord(riskFactor) ?? DEFAULT_SEVERITY,
        toolSeverity: riskFactor,
        references: nonEmpty(unique(references)),
        cves: nonEmpty(cves),
        cvssV3Score: v3,
        cvssV2Score: v2,
        extra: { script: scriptId },
      }),
      detail: compact({ state, evidence: output.trim() }),
    });
  });
  return found;
}

function titleBefore(lines: string[], index: number): string | undefined {
  for (let i = index - 1; i >= 0; i -= 1) {
    const text = lines[i]!.trim();
    if (text === '' || /^(LIKELY\s+)?VULNERABLE:?$/i.test(text)) continue;
    return /^State:/i.test(text) ? undefined : text;
  }
  return undefined;
}

// ---- NSE table helpers -----------------------------------------------------------------------

/** Direct `<elem key="…">` children as a map of trimmed texts. */
function elems(table: XmlElement | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const elem of table ? findChildren(table, 'elem') : []) {
    const key = elem.attributes.key;
    const text = elem.text.trim();
    if (key !== undefined && text !== '' && !map.has(key)) map.set(key, text);
  }
  return map;
}

/** Direct `<elem>` children without a key: the items of an NSE list. */
function listElems(table: XmlElement | undefined): string[] {
  if (!table) return [];
  return findChildren(table, 'elem').filter((elem) => elem.attributes.key === undefined).map((elem) => elem.text.trim()).filter(Boolean);
}

function subTable(table: XmlElement, key: string): XmlElement | undefined {
  return findChildren(table, 'table').find((child) => child.attributes.key === key);
}

function severityOfWord(word: string | undefined): Severity | undefined {
  return word === undefined ? undefined : SEVERITY_BY_WORD[word.toLowerCase()];
}

function cvesIn(text: string): string[] {
  return unique([...text.matchAll(/\bCVE-(\d{4})-(\d{4,})\b/gi)].map((m) => `CVE-${m[1]}-${m[2]}`));
}
