/**
 * Pure mapping shared by Nikto's XML and JSON reports: both are reduced to a target (the scanned
 * web server) and items (one Nikto test that reported something), then to records.
 *
 * Nikto assigns no severity: every finding is Informational and `toolSeverity` stays empty. The
 * test id is the finding key; the message of a test often names the instance (a header value, a
 * file), so it is the link's evidence, and the finding's title is the message without the
 * `/path: ` prefix Nikto puts in front of many messages.
 */
import { assetKey, type AssetData, type FindingData, type ParsedRecord } from '../contract.js';
import { compact, nonEmpty, unique } from '../support/fields.js';
import { nonEmptyObject } from '../support/json.js';

export interface NiktoTarget {
  /** The site as Nikto names it (`https://www.example.com:443/`); XML only. */
  siteName?: string;
  hostname?: string;
  ip?: string;
  port?: string;
  banner?: string;
}

export interface NiktoItem {
  id: string;
  /** OSVDB id; `0` (no entry) is dropped. */
  osvdbId?: string;
  /** XML `osvdblink` (the retired osvdb.org site), kept as a reference when there is an id. */
  osvdbLink?: string;
  method?: string;
  uri?: string;
  message?: string;
  /** The full URL by host name and by IP (XML `namelink`/`iplink`, JSON `url` when absolute). */
  nameLink?: string;
  ipLink?: string;
  references: string[];
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/**
 * The asset: the scanned web server as an origin `scheme://host:port`, lower-cased. From the
 * XML `sitename` (its port, else `targetport`, else the scheme's default); JSON gives no scheme,
 * so it is https for ports 443 and 8443 and http otherwise. Undefined when no host is named.
 */
export function targetOrigin(target: NiktoTarget): string | undefined {
  const site = parseSite(target.siteName);
  const host = site?.hostname || target.hostname || target.ip;
  if (!host) return undefined;
  const port = site?.port || target.port || (site ? DEFAULT_PORTS[site.scheme] : undefined) || '80';
  const scheme = site?.scheme ?? (port === '443' || port === '8443' ? 'https' : 'http');
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return assetKey(`${scheme}://${bracketed}:${port}`);
}

function parseSite(siteName: string | undefined): { scheme: string; hostname: string; port: string } | undefined {
  const match = /^([a-z][a-z\d+.-]*):\/\/(\[[^\]]*\]|[^/:?#]*)(?::(\d+))?/i.exec(siteName?.trim() ?? '');
  if (!match || match[2] === '') return undefined;
  return { scheme: match[1]!.toLowerCase(), hostname: match[2]!.replace(/^\[(.*)\]$/, '$1'), port: match[3] ?? '' };
}

export function assetData(origin: string, target: NiktoTarget): AssetData {
  return compact({
    name: origin,
    ip: target.ip,
    hostname: target.hostname ?? parseSite(target.siteName)?.hostname,
    extra: nonEmptyObject(compact({ port: target.port, banner: target.banner })),
  });
}

/** The records of one item on one target: the finding (keyed by the Nikto test id) and the link. */
export function itemRecords(origin: string, item: NiktoItem): ParsedRecord[] {
  return [
    { kind: 'finding', key: item.id, data: findingData(item) },
    { kind: 'link', findingKey: item.id, assetKey: origin, detail: linkDetail(item) },
  ];
}

function findingData(item: NiktoItem): FindingData {
  const message = item.message;
  const osvdb = item.osvdbId ? item.osvdbLink ?? `OSVDB-${item.osvdbId}` : undefined;
  return compact({
    title: titleOf(message, item.uri) ?? `Nikto test ${item.id}`,
    severity: 'Informational',
    description: message,
    references: nonEmpty(unique([...item.references, ...(osvdb ? [osvdb] : [])])),
    cves: nonEmpty(unique([...`${message ?? ''} ${item.references.join(' ')}`.matchAll(/\bCVE-\d{4}-\d{4,}\b/gi)].map((m) => m[0].toUpperCase()))),
    extra: nonEmptyObject(compact({ osvdbId: item.osvdbId })),
  });
}

function linkDetail(item: NiktoItem): Record<string, unknown> {
  const url = item.nameLink ?? item.uri;
  return compact({
    method: item.method,
    path: item.uri,
    url: item.nameLink,
    ipUrl: item.ipLink,
    osvdbId: item.osvdbId,
    evidence: [url && `${item.method ? `${item.method} ` : ''}${url}`, item.message].filter(Boolean).join('\n') || undefined,
  });
}

/** The message without a leading `/path: ` (or `/path:`) that repeats the URI, on one line of at most 200 characters. */
function titleOf(message: string | undefined, uri: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  let title = message.split(/\r?\n/, 1)[0]!.trim();
  if (uri && title.startsWith(`${uri}:`)) title = title.slice(uri.length + 1).trim();
  else title = title.replace(/^\/\S*?:\s+/, '');
  if (title === '') return undefined;
  return title.length > 200 ? `${title.slice(0, 199)}…` : title;
}

/** `0` and blanks mean "no OSVDB entry". */
export function osvdbIdOf(raw: string | undefined): string | undefined {
  const id = raw?.trim();
  return id && id !== '0' ? id : undefined;
}

/** Nikto 2.5 writes references as one text; split it into URLs/ids (commas, spaces or lines). */
export function referencesOf(raw: string | undefined): string[] {
  return (raw ?? '').split(/[\s,]+/).map((part) => part.trim()).filter(Boolean);
}
