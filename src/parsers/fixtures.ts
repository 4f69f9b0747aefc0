/**
 * What every parser folder provides for the shared parser contract test
 * (src/parsers/parsers.contract.test.ts): its own small sample files with their expected counts,
 * and a generator of a large valid file for the bounded-memory check. Test-only code.
 */
export interface RecordCounts {
  findings: number;
  assets: number;
  finding_assets: number;
  evidence: number;
}

export interface ParserFixtures {
  /** The parser's canonical source name. */
  source: string;
  /** Files written by this project (never copied from elsewhere), with their counts by DESIGN.md's rules. */
  samples: { name: string; content: string; expected: RecordCounts }[];
  /** A valid file of the format, streamed as text, with about `units` repeated records (hosts, issues, rows…). */
  large(units: number): AsyncIterable<string>;
}
