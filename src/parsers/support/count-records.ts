/**
 * The four import counters (DESIGN.md "What an import counts") computed from a parser's records
 * by the identity rules: distinct finding keys, distinct asset keys, distinct (finding, asset)
 * pairs, and one per evidence record. Used by tests and by checks against real sample files.
 */
import type { ParsedRecord } from '../contract.js';

export interface RecordCounts {
  findings: number;
  assets: number;
  finding_assets: number;
  evidence: number;
}

export async function countRecords(records: AsyncIterable<ParsedRecord> | Iterable<ParsedRecord>): Promise<RecordCounts> {
  const findings = new Set<string>();
  const assets = new Set<string>();
  const pairs = new Set<string>();
  let evidence = 0;
  for await (const record of records) {
    switch (record.kind) {
      case 'finding':
        findings.add(record.key);
        break;
      case 'asset':
        assets.add(record.key);
        break;
      case 'link':
        // JSON keeps the pair unambiguous whatever characters the keys contain.
        pairs.add(JSON.stringify([record.findingKey, record.assetKey]));
        break;
      case 'evidence':
        evidence += 1;
        break;
    }
  }
  return { findings: findings.size, assets: assets.size, finding_assets: pairs.size, evidence };
}
