/**
 * The one contract every scanner parser implements: read a byte stream, yield normalised records.
 *
 * Identity rules (DESIGN.md "What an import counts") are expressed through keys:
 * - a finding's `key` is the tool's own id for the vulnerability type (Nessus pluginID, Burp type…);
 * - an asset's `key` is its normalised identity (see `assetKey`);
 * - a link is one (finding, asset) pair; ports/paths/parameters are `detail` on it;
 * - evidence is one piece of proof for a pair (plugin output, a request/response).
 * Records may repeat a key: the import engine merges them, so parsers stay streaming and need not
 * remember what they yielded. One may still skip a finding that would repeat the last one under
 * its key exactly, to save the mapping, within a fixed memory budget (support/repeated-elements.ts).
 */
import type { Readable } from 'node:stream';

export type Severity = 'Critical' | 'High' | 'Medium' | 'Low' | 'Informational';

export interface FindingData {
  title: string;
  severity: Severity;
  description?: string;
  solution?: string;
  references?: string[];
  cves?: string[];
  cwes?: string[];
  cvssV3Score?: number;
  cvssV3Vector?: string;
  cvssV2Score?: number;
  cvssV2Vector?: string;
  /** The tool's own word or number for the severity, as written in the file ("3", "Information", "medium"). */
  toolSeverity?: string;
  /** When the tool first/last saw the issue, ISO 8601, where the file says so. */
  firstSeen?: string;
  lastSeen?: string;
  /** Tool-specific fields worth keeping (plugin family, confidence, …). */
  extra?: Record<string, unknown>;
}

export interface AssetData {
  name: string;
  ip?: string;
  hostname?: string;
  fqdn?: string;
  os?: string;
  mac?: string;
  extra?: Record<string, unknown>;
}

export type ParsedRecord =
  | { kind: 'asset'; key: string; data: AssetData }
  | { kind: 'finding'; key: string; data: FindingData }
  /**
   * `detail` holds where on the asset (port, protocol, service, path, parameter…) and, for tools
   * without an evidence rule in DESIGN.md, what proves it (`evidence`: plugin output, matched-at,
   * request/response as text).
   */
  | { kind: 'link'; findingKey: string; assetKey: string; detail: Record<string, unknown> }
  | { kind: 'evidence'; findingKey: string; assetKey: string; label: string; content: string };

export type ByteSource = Readable | AsyncIterable<Buffer | string>;

export interface ParseOptions {
  /** Largest text of one element/field accepted, in characters (guards memory). */
  maxTokenChars?: number;
  /** Deepest element nesting accepted. */
  maxDepth?: number;
}

export interface Parser {
  /** The `{source}` path segment that selects this parser (PlexTrac's slug where PlexTrac has the tool). */
  readonly source: string;
  /** Other names accepted for the source (e.g. `zap` for `owaspzap`). */
  readonly aliases?: readonly string[];
  readonly displayName: string;
  /** File name extensions this format usually has, with the dot (".xml", ".json"). */
  readonly fileTypes: readonly string[];
  /** From the first few KiB of a file, whether it looks like this format (for `source=auto`). */
  sniff(head: string): boolean;
  parse(input: ByteSource, options?: ParseOptions): AsyncIterable<ParsedRecord>;
}

/** Normalised asset identity: trimmed and lower-cased. */
export function assetKey(raw: string): string {
  return raw.trim().toLowerCase();
}
