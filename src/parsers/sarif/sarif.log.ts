/**
 * What the SARIF parser remembers while a log streams past, and when it emits each record.
 *
 * A finding is emitted once per rule id, at the first result that refers to it, with the rule's
 * metadata (rules usually come first, in `tool.driver.rules`). Rules nobody refers to are not
 * findings: CodeQL, for one, lists every rule of its query suite whether it fired or not. Order
 * is not relied on for correctness:
 * - a result naming a rule not described yet leaves a note; the rule, when it arrives, emits the
 *   finding; a rule never described gets a finding made from the result's message at the end;
 * - a result that refers to its rule or artifact only by index before those are listed waits
 *   (within a size budget) until the end of the log, when every index is known.
 * Memory: the rules' metadata, the rule and artifact ids by index, and waiting results only.
 */
import { assetKey, type ParsedRecord } from '../contract.js';
import { ParseError } from '../parse-error.js';
import { firstText, formatJsonPath, isJsonObject, memberOf, numberOf, objectAt, type JsonObject, type JsonPicked } from '../support/json.js';
import {
  assetData, findingData, firstPhysicalLocation, linkDetail, resultSeverity, resultTimes, ruleInfo, ruleInfoFromResult,
  type ResultSeverity, type RuleInfo, type SeenTimes,
} from './sarif.mapping.js';

/** The finding key of results that name no rule at all (SARIF allows results without a rule). */
export const NO_RULE_KEY = '(no rule)';
/** Results that SARIF says are not problems: the rule was checked and passed, or did not apply. */
const NOT_PROBLEMS = new Set(['pass', 'notApplicable']);

interface RunState {
  toolName?: string;
  /** Rule ids by `component:index`; the component is `driver` or the index of a tool extension. */
  ruleIds: Map<string, string>;
  artifactUris: Map<number, string>;
}

interface WaitingRule {
  fallback: RuleInfo;
  severity: ResultSeverity;
  times: SeenTimes;
}

interface Artifact {
  uri?: string;
  location?: JsonObject;
  /** Referred to by an index that no listed artifact has (yet). */
  unresolved?: boolean;
}

export class SarifLog {
  private readonly runs = new Map<number, RunState>();
  private readonly rules = new Map<string, RuleInfo>();
  private readonly emitted = new Set<string>();
  private readonly waiting = new Map<string, WaitingRule>();
  private readonly deferred: { run: number; picked: JsonPicked }[] = [];
  private heldChars = 0;

  /** `budget`: characters of rule metadata and waiting results held at most (the record limit × 4). */
  constructor(private readonly budget: number) {}

  setToolName(run: number, name: unknown): void {
    this.run(run).toolName = firstText({ name }, 'name');
  }

  setArtifactUri(run: number, index: number, uri: unknown): void {
    const text = firstText({ uri }, 'uri');
    if (text !== undefined) this.run(run).artifactUris.set(index, text);
  }

  *addRule(run: number, component: string, index: number, picked: JsonPicked): Generator<ParsedRecord> {
    const rule = picked.value;
    const where = { line: picked.line, column: picked.column, record: picked.record };
    if (!isJsonObject(rule)) throw new ParseError(`the rule at ${formatJsonPath(picked.path)} is not a JSON object`, where);
    const id = firstText(rule, 'id');
    if (id === undefined) throw new ParseError(`the rule at ${formatJsonPath(picked.path)} has no "id"`, where);
    const state = this.run(run);
    state.ruleIds.set(`${component}:${index}`, id);
    const info = ruleInfo(rule, id, state.toolName);
    if (!this.rules.has(id)) {
      this.hold(JSON.stringify(info.data).length, where);
      this.rules.set(id, info);
    }
    // Results that named this rule (or a hierarchical sub-id such as `CA2000/1`) before it was described.
    for (const [key, waiting] of this.waiting) {
      if (key !== id && !key.startsWith(`${id}/`)) continue;
      this.waiting.delete(key);
      this.emitted.add(key);
      yield { kind: 'finding', key, data: findingData(info, waiting.severity, waiting.times) };
    }
  }

  *addResult(run: number, picked: JsonPicked): Generator<ParsedRecord> {
    const result = picked.value;
    if (!isJsonObject(result)) {
      throw new ParseError(`the result at ${formatJsonPath(picked.path)} is not a JSON object`, { line: picked.line, column: picked.column, record: picked.record });
    }
    if (NOT_PROBLEMS.has(firstText(result, 'kind') ?? '')) return;
    const key = this.ruleKeyOf(run, result);
    const artifact = this.artifactOf(run, result);
    if (key === undefined || artifact.unresolved) {
      this.hold(JSON.stringify(result).length, picked);
      this.deferred.push({ run, picked });
      return;
    }
    yield* this.resultRecords(run, key, artifact, result);
  }

  /** Emits what waited for the end of the log: results with late indexes, then rules never described. */
  *finish(): Generator<ParsedRecord> {
    for (const { run, picked } of this.deferred.splice(0)) {
      const result = picked.value as JsonObject;
      const key = this.ruleKeyOf(run, result);
      if (key === undefined) {
        throw new ParseError(
          `the result at ${formatJsonPath(picked.path)} refers to a rule by index (ruleIndex ${String(memberOf(result, 'ruleIndex') ?? memberOf(objectAt(result, 'rule'), 'index'))}) that run ${run} does not list`,
          { line: picked.line, column: picked.column, record: picked.record },
        );
      }
      const artifact = this.artifactOf(run, result);
      yield* this.resultRecords(run, key, artifact.unresolved ? {} : artifact, result);
    }
    for (const [key, waiting] of this.waiting) {
      yield { kind: 'finding', key, data: findingData(waiting.fallback, waiting.severity, waiting.times) };
    }
    this.waiting.clear();
  }

  private *resultRecords(run: number, key: string, artifact: Artifact, result: JsonObject): Generator<ParsedRecord> {
    if (!this.emitted.has(key)) {
      const rule = this.rules.get(key) ?? this.rules.get(key.split('/')[0]!);
      if (rule !== undefined) {
        this.emitted.add(key);
        yield { kind: 'finding', key, data: findingData(rule, resultSeverity(result), resultTimes(result)) };
      } else if (!this.waiting.has(key)) {
        this.waiting.set(key, { fallback: ruleInfoFromResult(result, key, this.run(run).toolName), severity: resultSeverity(result), times: resultTimes(result) });
      }
    }
    if (artifact.uri === undefined) return; // a result without a location names no artifact: no asset, no link
    const asset = assetKey(artifact.uri);
    yield { kind: 'asset', key: asset, data: assetData(artifact.uri, artifact.location) };
    yield { kind: 'link', findingKey: key, assetKey: asset, detail: linkDetail(result, artifact.uri) };
  }

  /** The rule id: `ruleId`, `rule.id`, or the id of the rule at `ruleIndex`/`rule.index` (undefined if not listed yet). */
  private ruleKeyOf(run: number, result: JsonObject): string | undefined {
    const reference = objectAt(result, 'rule');
    const id = firstText(result, 'ruleId') ?? firstText(reference, 'id');
    if (id !== undefined) return id;
    const index = numberOf(memberOf(result, 'ruleIndex')) ?? numberOf(memberOf(reference, 'index'));
    if (index === undefined || index < 0) return NO_RULE_KEY;
    const extension = numberOf(memberOf(objectAt(reference, 'toolComponent'), 'index'));
    return this.run(run).ruleIds.get(`${extension ?? 'driver'}:${index}`);
  }

  /** The artifact of the first physical location, else the analysis target; by URI or by index into `run.artifacts`. */
  private artifactOf(run: number, result: JsonObject): Artifact {
    const candidates = [objectAt(firstPhysicalLocation(result), 'artifactLocation'), objectAt(result, 'analysisTarget')];
    for (const location of candidates) {
      if (location === undefined) continue;
      const uri = firstText(location, 'uri');
      if (uri !== undefined) return { uri, location };
      const index = numberOf(memberOf(location, 'index'));
      if (index === undefined) continue;
      const listed = this.run(run).artifactUris.get(index);
      return listed !== undefined ? { uri: listed, location } : { unresolved: true };
    }
    return {};
  }

  private hold(chars: number, where: { line: number; column: number; record?: number }): void {
    this.heldChars += chars;
    if (this.heldChars > this.budget) {
      throw new ParseError(
        `the SARIF log needs more than ${this.budget} characters of rule metadata and waiting results in memory ` +
          '(results that refer to rules or artifacts by index before those are listed wait until the end)',
        { line: where.line, column: where.column, record: where.record },
      );
    }
  }

  private run(index: number): RunState {
    let state = this.runs.get(index);
    if (state === undefined) {
      state = { ruleIds: new Map(), artifactUris: new Map() };
      this.runs.set(index, state);
    }
    return state;
  }
}
