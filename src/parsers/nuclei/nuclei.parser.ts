/**
 * ProjectDiscovery Nuclei results: JSON Lines (`nuclei -jsonl`, older `-json`: one result object
 * per line) or a JSON array of the same objects (`-json-export`). One result is held in memory
 * at a time.
 *
 * Identity (DESIGN.md): finding key = the template id (`template-id`, `templateID` before v2.5);
 * asset key = the result's `host` field, trimmed and lower-cased (for results without one, the
 * host name in `matched-at`, else `ip`). Several results of one template on one host are one
 * (finding, asset) pair whose link details list each match (matched-at, matcher, extracted
 * results, and request/response/curl command as `detail.evidence`); no evidence records.
 *
 * An empty file (0 bytes or whitespace only) is what Nuclei writes when nothing was found: it
 * yields zero records, as does `[]`.
 */
import { assetKey, type ByteSource, type ParseOptions, type ParsedRecord, type Parser } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { isJsonObject, isoTimestamp, jsonRecords, memberOf, recordLabel, type JsonPicked } from '../support/json.js';
import { assetData, findingData, hostOf, linkDetail, templateIdOf } from './nuclei.mapping.js';

const EXPECTED = 'Nuclei JSON output (JSON Lines or a JSON array of results)';

export const nucleiParser: Parser = {
  source: 'nuclei',
  displayName: 'ProjectDiscovery Nuclei (JSON Lines or JSON array)',
  fileTypes: ['.jsonl', '.json'],
  // Every result names its template near its start: `template-id` (v2.5+) or `templateID`.
  sniff: (head) => /^\uFEFF?\s*[[{]/.test(head) && /"(?:template-id|templateID)"\s*:/.test(head),
  parse: parseNuclei,
};

/** When each template was first and last seen, so merged findings end with the earliest and latest times. */
type SeenTimes = Map<string, { first: string; last: string }>;

async function* parseNuclei(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const seen: SeenTimes = new Map();
  for await (const record of jsonRecords(input, { ...options, expected: EXPECTED, allowEmpty: true })) {
    yield* resultRecords(record, seen);
  }
}

function* resultRecords({ value: result, record, line, column, path }: JsonPicked, seen: SeenTimes): Generator<ParsedRecord> {
  const where = { line, column, record };
  const label = recordLabel(record, path);
  if (!isJsonObject(result)) throw new ParseError(`${label} is not a JSON object; expected a Nuclei result`, where);
  const findingKey = templateIdOf(result);
  if (findingKey === undefined) throw new ParseError(`${label} has no template-id (or templateID); expected a Nuclei result`, where);
  const host = hostOf(result);
  if (host === undefined) throw new ParseError(`${label} (template ${findingKey}) has no host; expected the scanned target`, where);

  const asset = assetKey(host);
  const finding = findingData(result, findingKey);
  Object.assign(finding, seenTimes(seen, findingKey, isoTimestamp(memberOf(result, 'timestamp'))));
  yield { kind: 'asset', key: asset, data: assetData(result, host) };
  yield { kind: 'finding', key: findingKey, data: finding };
  yield { kind: 'link', findingKey, assetKey: asset, detail: linkDetail(result) };
}

/**
 * The engine merges a finding's records with later members winning, so firstSeen/lastSeen are
 * sent only when they move the known range: the merged finding keeps the earliest and latest.
 */
function seenTimes(seen: SeenTimes, key: string, time: string | undefined): { firstSeen?: string; lastSeen?: string } {
  if (time === undefined) return {};
  const known = seen.get(key);
  if (known === undefined) {
    seen.set(key, { first: time, last: time });
    return { firstSeen: time, lastSeen: time };
  }
  const moved: { firstSeen?: string; lastSeen?: string } = {};
  if (time < known.first) moved.firstSeen = known.first = time;
  if (time > known.last) moved.lastSeen = known.last = time;
  return moved;
}
