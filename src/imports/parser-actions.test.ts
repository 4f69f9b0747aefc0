import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedRecord } from '../parsers/contract.js';
import { applyParserActions, compileParserActions } from './parser-actions.js';

const records: ParsedRecord[] = [
  { kind: 'asset', key: '10.0.0.5', data: { name: '10.0.0.5' } },
  { kind: 'finding', key: '1', data: { title: 'Tool title one', severity: 'Low', description: 'tool text', solution: 'tool fix', cves: ['CVE-2020-0001'] } },
  { kind: 'link', findingKey: '1', assetKey: '10.0.0.5', detail: { port: 443 } },
  { kind: 'evidence', findingKey: '1', assetKey: '10.0.0.5', label: 'out', content: 'x' },
  { kind: 'finding', key: '2', data: { title: 'Ignored', severity: 'High' } },
  { kind: 'link', findingKey: '2', assetKey: '10.0.0.5', detail: {} },
  { kind: 'evidence', findingKey: '2', assetKey: '10.0.0.5', label: 'out', content: 'y' },
  { kind: 'finding', key: '3', data: { title: 'Re-rated', severity: 'Medium' } },
  { kind: 'finding', key: '4', data: { title: 'Untouched', severity: 'Informational' } },
];

async function collect(source: AsyncIterable<ParsedRecord>): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  for await (const r of source) out.push(r);
  return out;
}

async function* stream(items: ParsedRecord[]): AsyncIterable<ParsedRecord> {
  yield* items;
}

test('IGNORE drops the finding with its links and evidence; LINK takes the writeup text; severity overrides', async () => {
  const rules = compileParserActions([
    { tool_key: '1', action: 'LINK', severity: null, writeup_title: 'Writeup title', writeup_data: { description: '<p>ours</p>', recommendations: 'our fix', references: 'r' } },
    { tool_key: '2', action: 'IGNORE', severity: null, writeup_title: null, writeup_data: null },
    { tool_key: '3', action: 'DEFAULT', severity: 'Critical', writeup_title: null, writeup_data: null },
  ]);
  const out = await collect(applyParserActions(stream(records), rules));
  assert.deepEqual(out, [
    records[0],
    { kind: 'finding', key: '1', data: { title: 'Writeup title', severity: 'Low', description: '<p>ours</p>', solution: 'our fix', cves: ['CVE-2020-0001'] } },
    records[2],
    records[3],
    { kind: 'finding', key: '3', data: { title: 'Re-rated', severity: 'Critical' } },
    records[8],
  ]);
});

test('a LINK with a severity takes both; a LINK whose writeup is gone changes nothing', async () => {
  const rules = compileParserActions([
    { tool_key: '1', action: 'LINK', severity: 'High', writeup_title: 'W', writeup_data: {} },
    { tool_key: '4', action: 'LINK', severity: null, writeup_title: null, writeup_data: null },
  ]);
  const out = await collect(applyParserActions(stream(records), rules));
  assert.deepEqual(out[1], { kind: 'finding', key: '1', data: { title: 'W', severity: 'High', description: '', solution: '', cves: ['CVE-2020-0001'] } });
  assert.deepEqual(out.at(-1), records[8]);
  assert.equal(out.length, records.length);
});

test('no rules: records pass through untouched', async () => {
  const out = await collect(applyParserActions(stream(records), compileParserActions([])));
  assert.deepEqual(out, records);
});
