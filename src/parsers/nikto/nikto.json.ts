/**
 * Nikto JSON reports (`-Format json`): one object per scanned host, `{host, ip, port, banner,
 * vulnerabilities: [{id, OSVDB, method, url, msg, references}]}`, either alone or in an array
 * (Nikto 2.5). One host object is held in memory at a time.
 */
import type { ByteSource, ParseOptions, ParsedRecord } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { firstText, isJsonObject, jsonRecords, memberOf, recordLabel, textsOf, type JsonObject, type JsonPicked } from '../support/json.js';
import { assetData, itemRecords, osvdbIdOf, referencesOf, targetOrigin, type NiktoItem, type NiktoTarget } from './nikto.mapping.js';

const EXPECTED = 'a Nikto JSON report';

export async function* niktoJsonRecords(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  for await (const record of jsonRecords(input, { ...options, expected: EXPECTED })) {
    yield* hostRecords(record);
  }
}

function* hostRecords({ value: host, record, line, column, path }: JsonPicked): Generator<ParsedRecord> {
  const where = { line, column, record };
  const label = `host ${recordLabel(record, path)}`;
  if (!isJsonObject(host)) throw new ParseError(`${label} is not a JSON object; expected ${EXPECTED}`, where);
  const target: NiktoTarget = {
    hostname: firstText(host, 'host'),
    ip: firstText(host, 'ip'),
    port: firstText(host, 'port'),
    banner: firstText(host, 'banner'),
  };
  const origin = targetOrigin(target);
  if (origin === undefined) throw new ParseError(`${label} names no host (no "host" or "ip"); expected ${EXPECTED}`, where);
  // Nikto always writes the list, empty when nothing was found; without it this is another tool's JSON.
  const vulnerabilities = memberOf(host, 'vulnerabilities');
  if (!Array.isArray(vulnerabilities)) throw new ParseError(`${label} has no "vulnerabilities" array; expected ${EXPECTED}`, where);

  yield { kind: 'asset', key: origin, data: assetData(origin, target) };
  for (const [index, vulnerability] of vulnerabilities.entries()) {
    if (!isJsonObject(vulnerability)) throw new ParseError(`${label}: vulnerability ${index + 1} is not a JSON object`, where);
    yield* itemRecords(origin, itemOf(vulnerability, `${label}: vulnerability ${index + 1}`, where));
  }
}

function itemOf(vulnerability: JsonObject, label: string, where: { line: number; column: number; record: number }): NiktoItem {
  const id = firstText(vulnerability, 'id');
  if (id === undefined) throw new ParseError(`${label} has no "id"; expected the Nikto test id`, where);
  const url = firstText(vulnerability, 'url');
  const absolute = url !== undefined && /^[a-z][a-z\d+.-]*:\/\//i.test(url);
  return {
    id,
    osvdbId: osvdbIdOf(firstText(vulnerability, 'OSVDB', 'osvdb')),
    method: firstText(vulnerability, 'method'),
    uri: absolute ? pathOf(url) : url,
    message: firstText(vulnerability, 'msg', 'message'),
    nameLink: absolute ? url : undefined,
    references: textsOf(memberOf(vulnerability, 'references')).flatMap(referencesOf),
  };
}

function pathOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}` || undefined;
  } catch {
    return url;
  }
}
