/**
 * Writes a synthetic but realistic Nessus v2 file of any size, streaming: one ReportHost is
 * rendered at a time and written with backpressure (we wait for 'drain'), so a multi-gigabyte
 * file never sits in memory. Content comes from a seeded PRNG, so the same options always give
 * the same bytes, and the generator returns the counts the parser must find (DESIGN.md "What an
 * import counts").
 *
 * Shape follows real scans: a Policy section (to be skipped), HostProperties tags, ReportItems
 * with the usual children, one plugin sometimes seen on several ports of the same host, blank and
 * absent plugin_output, escaped characters, CDATA and multi-byte text.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { RecordCounts } from '../src/parsers/support/count-records.js';
import { mulberry32, words } from './support/random.js';

export interface NessusShape {
  hosts: number;
  itemsPerHost: number;
  /** Size of the plugin catalogue items are drawn from; findings = how many of these get used. */
  distinctPlugins: number;
  /** Average plugin_output length in characters (each output varies from half to 1.5 times it). */
  outputChars: number;
  seed?: number;
}

export interface Generated {
  expected: RecordCounts;
  bytes: number;
}

/** The benchmarks' shape: roughly a real scan's proportions (~40 items per host, a few thousand plugins, short outputs). */
export const BENCH_SHAPE: Omit<NessusShape, 'hosts'> = { itemsPerHost: 40, distinctPlugins: 2000, outputChars: 400, seed: 42 };

/** Hosts that make a file of about `bytes` in this shape (100 hosts rendered into a byte counter). */
export async function hostsForSize(bytes: number, shape: Omit<NessusShape, 'hosts'> = BENCH_SHAPE): Promise<number> {
  const sample = 100;
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rendered = await writeNessus(sink, { ...shape, hosts: sample });
  return Math.max(1, Math.round(bytes / (rendered.bytes / sample)));
}

export async function generateNessusFile(path: string, shape: NessusShape): Promise<Generated> {
  const file = createWriteStream(path);
  const result = await writeNessus(file, shape);
  file.end();
  await once(file, 'finish');
  return result;
}

/** Writes the document to `out` (not ended), honouring backpressure. */
export async function writeNessus(out: Writable, shape: NessusShape): Promise<Generated> {
  const random = mulberry32(shape.seed ?? 1);
  const plugins = Array.from({ length: shape.distinctPlugins }, (_, i) => makePlugin(i, random));
  const usedPlugins = new Set<number>();
  let pairs = 0;
  let evidence = 0;
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };

  await write(HEADER);
  for (let h = 0; h < shape.hosts; h++) {
    // Distinct IPs (hence distinct asset keys) for up to 2^24 hosts.
    const ip = `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`;
    const parts = [hostStart(h, ip, random)];
    const pluginsOnHost = new Set<number>();
    let index = 0;
    for (let i = 0; i < shape.itemsPerHost; i++) {
      // Every 8th item repeats the previous plugin on another port: same (finding, asset) pair.
      if (i % 8 !== 7) index = Math.floor(random() * plugins.length);
      pluginsOnHost.add(index);
      const output = pluginOutput(random, shape.outputChars);
      if (output.trim() !== '') evidence += 1;
      parts.push(reportItem(plugins[index]!, 1 + Math.floor(random() * 65535), output, random));
    }
    parts.push('</ReportHost>\n');
    for (const p of pluginsOnHost) usedPlugins.add(p);
    pairs += pluginsOnHost.size;
    await write(parts.join(''));
  }
  await write('</Report>\n</NessusClientData_v2>\n');
  return { expected: { findings: usedPlugins.size, assets: shape.hosts, finding_assets: pairs, evidence }, bytes };
}

const HEADER = `<?xml version="1.0" ?>
<NessusClientData_v2>
<Policy><policyName>Bench network scan</policyName>
<Preferences><ServerPreferences><preference><name>max_hosts</name><value>30</value></preference></ServerPreferences></Preferences>
</Policy>
<Report name="Bench scan" xmlns:cm="http://www.nessus.org/cm">
`;

interface Plugin {
  id: number;
  severity: number;
  head: string;
  body: string;
}

const FAMILIES = ['General', 'Web Servers', 'Windows', 'Misc.', 'Service detection', 'CGI abuses'];
const RISK = ['None', 'Low', 'Medium', 'High', 'Critical'];
const SERVICES = [['www', 'tcp'], ['ssh', 'tcp'], ['general', 'tcp'], ['ntp', 'udp'], ['smb', 'tcp'], ['dns', 'udp']];

/** A plugin's fixed metadata, rendered once: every item of that plugin repeats it, as in real files. */
function makePlugin(i: number, random: () => number): Plugin {
  const id = 10000 + i * 7;
  const severity = Math.floor(random() * 5);
  const family = FAMILIES[i % FAMILIES.length]!;
  const cves = Array.from({ length: Math.floor(random() * 4) }, (_, k) => `<cve>CVE-20${10 + (i % 14)}-${1000 + i * 4 + k}</cve>\n`);
  const head = ` severity="${severity}" pluginID="${id}" pluginName="Bench plugin ${id} – ${family} check &amp; audit" pluginFamily="${family}">\n`;
  const body = `<description>${words(random, 40 + Math.floor(random() * 80))}</description>
<solution>Upgrade to the latest version &amp; restrict access.</solution>
<synopsis>${words(random, 10)}</synopsis>
<plugin_type>remote</plugin_type>
<risk_factor>${RISK[severity]}</risk_factor>
<see_also>https://example.test/advisory/${id}
https://example.test/kb/${id}</see_also>
${cves.join('')}<xref>CWE:${200 + (i % 600)}</xref>
<cvss3_base_score>${(severity * 2.4).toFixed(1)}</cvss3_base_score>
<cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N</cvss3_vector>
<plugin_publication_date>2021/0${1 + (i % 9)}/15</plugin_publication_date>
`;
  return { id, severity, head, body };
}

function hostStart(h: number, ip: string, random: () => number): string {
  const name = `host${h}.bench.test`;
  return `<ReportHost name="${name}"><HostProperties>
<tag name="HOST_END">Wed Mar 23 15:07:52 2022</tag>
<tag name="host-ip">${ip}</tag>
<tag name="host-fqdn">${name}</tag>
<tag name="operating-system">${random() < 0.5 ? 'Linux Kernel 5.4' : 'Microsoft Windows Server 2019'}</tag>
<tag name="mac-address">00:50:56:${hex2(h >> 8)}:${hex2(h)}:${hex2(Math.floor(random() * 256))}</tag>
<tag name="HOST_START">Wed Mar 23 14:51:02 2022</tag>
</HostProperties>
`;
}

function reportItem(plugin: Plugin, port: number, output: string, random: () => number): string {
  const [svc, protocol] = SERVICES[Math.floor(random() * SERVICES.length)]!;
  const open = `<ReportItem port="${port}" svc_name="${svc}" protocol="${protocol}"${plugin.head}`;
  // About 1 item in 20 has no plugin_output element at all (absent, not just blank).
  const tail = output === '' ? '' : `<plugin_output>${output}</plugin_output>\n`;
  return `${open}${plugin.body}${tail}</ReportItem>\n`;
}

/** Realistic output lines; 1 in 10 is blank whitespace, 1 in 20 absent, 1 in 25 in CDATA. */
function pluginOutput(random: () => number, averageChars: number): string {
  const roll = random();
  if (roll < 0.05) return '';
  if (roll < 0.15) return '\n   \n';
  const target = averageChars * (0.5 + random());
  const lines: string[] = [];
  for (let length = 0; length < target; ) {
    const line = `  - ${LINES[Math.floor(random() * LINES.length)]} ${Math.floor(random() * 1e6)}\n`;
    lines.push(line);
    length += line.length;
  }
  const text = lines.join('');
  return roll < 0.19 ? `<![CDATA[${text.replace(/&amp;/g, '&').replace(/&lt;/g, '<')}]]>` : `\n${text}`;
}

const LINES = [
  'Cipher suite TLS_RSA_WITH_RC4_128_SHA is supported',
  'The remote service accepts connections encrypted using TLS 1.0 &amp; TLS 1.1',
  'Installed version : 2.4.29 &lt; fixed version 2.4.52',
  'Path : C:\\Program Files\\Vendor\\bin\\agent.exe',
  'Certificate subject : CN=intranet.bench.test, O=Bénchmark Ltd ✓',
  'Banner : SSH-2.0-OpenSSH_7.4',
];

function hex2(n: number): string {
  return (n & 255).toString(16).padStart(2, '0');
}
