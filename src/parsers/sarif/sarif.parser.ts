/**
 * SARIF 2.1.0 logs (Static Analysis Results Interchange Format: CodeQL, Semgrep, Trivy, ESLint,
 * Bandit, Checkov, …). The log is streamed: only one rule or one result is held at a time, plus
 * what sarif.log.ts keeps to connect them.
 *
 * Identity (chosen for this project; DESIGN.md has no SARIF rule yet):
 * - finding key = the rule id of each result: `result.ruleId`, else `result.rule.id`, else the id
 *   of the rule at `ruleIndex` (`rule.index`, in `tool.extensions[toolComponent.index]` when
 *   given). A finding exists only for rules that at least one result refers to; its metadata comes
 *   from `tool.driver.rules` / `tool.extensions[].rules`. Results with `kind` `pass` or
 *   `notApplicable` are not problems and are skipped.
 * - asset key = the artifact of the result's first location: `physicalLocation.artifactLocation.uri`
 *   (or the `run.artifacts[index]` it points to; else `analysisTarget`), as written — a relative
 *   URI stays relative (its `uriBaseId` such as `%SRCROOT%` is not resolved, so scans of two
 *   checkouts match) — trimmed and lower-cased. A result without any location counts for its
 *   finding but names no asset.
 * - link detail: path, start/end line, start column, logical location, message, level, and the
 *   region's code snippet as `detail.evidence`. No evidence records.
 * Severity: a numeric `security-severity` property (≥9 Critical, ≥7 High, ≥4 Medium, >0 Low; a
 * severity word such as `MEDIUM` there is taken as it is), else
 * the result's `level`, else the rule's `defaultConfiguration.level`, else `warning`
 * (error High, warning Medium, note Low, none Informational).
 */
import type { ByteSource, ParseOptions, ParsedRecord, Parser } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { resolveLimits } from '../support/limits.js';
import { jsonPick, textOf, type JsonPattern } from '../support/json.js';
import { SarifLog } from './sarif.log.js';

/** Paths picked from the log; everything else (invocations, taxonomies, artifact contents…) is skipped unread. */
const PATTERNS: readonly JsonPattern[] = [
  ['version'],
  ['runs', '*', 'tool', 'driver', 'name'],
  ['runs', '*', 'tool', 'driver', 'rules', '*'],
  ['runs', '*', 'tool', 'extensions', '*', 'rules', '*'],
  ['runs', '*', 'artifacts', '*', 'location', 'uri'],
  ['runs', '*', 'results', '*'],
];
const [VERSION, TOOL_NAME, DRIVER_RULE, EXTENSION_RULE, ARTIFACT_URI, RESULT] = [0, 1, 2, 3, 4, 5] as const;
const EXPECTED = 'a SARIF 2.1.0 log';
/** Rule metadata and results waiting for late indexes may take this many times the per-record limit. */
const HELD_BUDGET_FACTOR = 4;

export const sarifParser: Parser = {
  source: 'sarif',
  displayName: 'SARIF 2.1.0 (static analysis results)',
  fileTypes: ['.sarif', '.json'],
  // The $schema names SARIF; without one, a 2.1.0 version next to a runs array.
  sniff: (head) =>
    /^\uFEFF?\s*\{/.test(head) &&
    (/"\$schema"\s*:\s*"[^"]*sarif[^"]*"/i.test(head) || (/"version"\s*:\s*"2\.1\.0"/.test(head) && /"runs"\s*:\s*\[/.test(head))),
  parse: parseSarif,
};

async function* parseSarif(input: ByteSource, options?: ParseOptions): AsyncGenerator<ParsedRecord> {
  const log = new SarifLog(resolveLimits(options).maxTokenChars * HELD_BUDGET_FACTOR);
  let version: string | undefined;
  for await (const picked of jsonPick(input, PATTERNS, { ...options, expected: EXPECTED, root: 'object' })) {
    const { path } = picked;
    const run = path[1] as number;
    switch (picked.pattern) {
      case VERSION:
        version = textOf(picked.value);
        if (version === undefined || !version.startsWith('2.')) {
          throw new ParseError(`expected ${EXPECTED}, found SARIF version ${JSON.stringify(picked.value)}`, { line: picked.line, column: picked.column });
        }
        break;
      case TOOL_NAME:
        log.setToolName(run, picked.value);
        break;
      case DRIVER_RULE:
        yield* log.addRule(run, 'driver', path[5] as number, picked);
        break;
      case EXTENSION_RULE:
        yield* log.addRule(run, String(path[4]), path[6] as number, picked);
        break;
      case ARTIFACT_URI:
        log.setArtifactUri(run, path[3] as number, picked.value);
        break;
      case RESULT:
        yield* log.addResult(run, picked);
        break;
    }
  }
  if (version === undefined) {
    throw new ParseError(`expected ${EXPECTED}: the top-level object has no "version" member (SARIF requires "version": "2.1.0")`);
  }
  yield* log.finish();
}
