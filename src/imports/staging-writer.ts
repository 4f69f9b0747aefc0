/**
 * Buffers parsed records and writes them to the staging tables in batches, one multi-row
 * `INSERT … SELECT FROM unnest(…)` per table and batch. Memory is bounded by the batch size and
 * by the bytes of evidence held (evidence bodies can be megabytes each).
 *
 * Batches are written while parsing goes on, with at most MAX_IN_FLIGHT inserts outstanding.
 * Repeated findings and assets are dropped before they get here (repeat-detector.ts).
 *
 * Fencing: every row carries its attempt, and a batch is inserted only while that attempt still
 * owns the import (the same check as every other write of an attempt). A worker presumed dead
 * that wakes up after a newer attempt began therefore adds nothing, and learns it at its next
 * batch: a batch that inserts no row ends the attempt with StaleAttemptError.
 */
import type { ParsedRecord } from '../parsers/contract.js';
import { sanitizeRichText } from './rich-text.js';
import type { Queryable } from '../db/pool.js';
import { StaleAttemptError } from './stale-attempt.js';

const BATCH_ROWS = 1000;
const BATCH_EVIDENCE_CHARS = 8 * 1024 * 1024;
const MAX_IN_FLIGHT = 2;

export interface StagedCounts {
  records: number;
}

export class StagingWriter {
  private seq = 0;
  private assets: { seq: number; identity: string; data: string }[] = [];
  private findings: { seq: number; key: string; title: string; severity: string; data: string }[] = [];
  private links: { seq: number; findingKey: string; assetKey: string; detail: string }[] = [];
  private evidence: { seq: number; findingKey: string; assetKey: string; label: string; content: string }[] = [];
  private evidenceChars = 0;
  private readonly inFlight: Promise<void>[] = [];
  private failure: unknown;

  constructor(
    private readonly db: Queryable,
    private readonly importId: string,
    private readonly attempt: number,
  ) {}

  /**
   * Starts the insert of a batch of `rows` rows (`$1` is the import, `$2` the attempt; `columns`
   * come from the arrays of `unnest`, `computed` from SQL over them); waits only when
   * MAX_IN_FLIGHT are already outstanding.
   */
  private async write(
    table: string,
    columns: string,
    unnest: string,
    rows: number,
    values: unknown[],
    computed?: { column: string; sql: string },
  ): Promise<void> {
    const text = `INSERT INTO ${table} (import_id, attempt, ${columns}${computed ? `, ${computed.column}` : ''})
       SELECT $1, $2, u.*${computed ? `, ${computed.sql}` : ''} FROM unnest(${unnest}) AS u(${columns})
        WHERE EXISTS (SELECT 1 FROM imports WHERE id = $1 AND attempt = $2 AND state = 'running')`;
    this.inFlight.push(
      this.db.query(text, [this.importId, this.attempt, ...values]).then(
        (result) => {
          if (result.rowCount !== rows) this.failure ??= new StaleAttemptError(this.importId, this.attempt);
        },
        (error: unknown) => {
          this.failure ??= error;
        },
      ),
    );
    if (this.inFlight.length > MAX_IN_FLIGHT) await this.inFlight.shift();
    if (this.failure) throw this.failure;
  }

  get recordCount(): number {
    return this.seq;
  }

  async add(record: ParsedRecord): Promise<void> {
    const seq = ++this.seq;
    switch (record.kind) {
      case 'asset': {
        this.assets.push({ seq, identity: withoutNul(record.key), data: toJson(record.data) });
        if (this.assets.length >= BATCH_ROWS) await this.flushAssets();
        break;
      }
      case 'finding': {
        const key = withoutNul(record.key);
        const { title, severity, ...rest } = record.data;
        if (rest.description !== undefined) rest.description = sanitizeRichText(rest.description);
        if (rest.solution !== undefined) rest.solution = sanitizeRichText(rest.solution);
        this.findings.push({ seq, key, title: withoutNul(title), severity, data: toJson(rest) });
        if (this.findings.length >= BATCH_ROWS) await this.flushFindings();
        break;
      }
      case 'link':
        this.links.push({ seq, findingKey: withoutNul(record.findingKey), assetKey: withoutNul(record.assetKey), detail: toJson(record.detail) });
        if (this.links.length >= BATCH_ROWS) await this.flushLinks();
        break;
      case 'evidence': {
        const label = withoutNul(record.label);
        const content = withoutNul(record.content);
        this.evidence.push({ seq, findingKey: withoutNul(record.findingKey), assetKey: withoutNul(record.assetKey), label, content });
        this.evidenceChars += record.content.length;
        if (this.evidence.length >= BATCH_ROWS || this.evidenceChars >= BATCH_EVIDENCE_CHARS) await this.flushEvidence();
        break;
      }
    }
  }

  /** Waits for outstanding inserts, ignoring their errors: before clearing a failed attempt's rows. */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight.splice(0));
  }

  /** Writes what is buffered and waits for every insert: after it, everything added is staged. */
  async flush(): Promise<void> {
    await this.flushAssets();
    await this.flushFindings();
    await this.flushLinks();
    await this.flushEvidence();
    await Promise.all(this.inFlight.splice(0));
    if (this.failure) throw this.failure;
  }

  private async flushAssets(): Promise<void> {
    const rows = this.assets.splice(0);
    if (rows.length === 0) return;
    await this.write('staging_assets', 'seq, identity, data', '$3::bigint[], $4::text[], $5::jsonb[]', rows.length, [
      rows.map((r) => r.seq),
      rows.map((r) => r.identity),
      rows.map((r) => r.data),
    ]);
  }

  private async flushFindings(): Promise<void> {
    const rows = this.findings.splice(0);
    if (rows.length === 0) return;
    await this.write('staging_findings', 'seq, tool_key, title, severity, data', '$3::bigint[], $4::text[], $5::text[], $6::text[], $7::jsonb[]', rows.length, [
      rows.map((r) => r.seq),
      rows.map((r) => r.key),
      rows.map((r) => r.title),
      rows.map((r) => r.severity),
      rows.map((r) => r.data),
    ]);
  }

  private async flushLinks(): Promise<void> {
    const rows = this.links.splice(0);
    if (rows.length === 0) return;
    await this.write('staging_links', 'seq, finding_key, asset_key, detail', '$3::bigint[], $4::text[], $5::text[], $6::jsonb[]', rows.length, [
      rows.map((r) => r.seq),
      rows.map((r) => r.findingKey),
      rows.map((r) => r.assetKey),
      rows.map((r) => r.detail),
    ]);
  }

  private async flushEvidence(): Promise<void> {
    const rows = this.evidence.splice(0);
    this.evidenceChars = 0;
    if (rows.length === 0) return;
    await this.write(
      'staging_evidence',
      'seq, finding_key, asset_key, label, content',
      '$3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[]',
      rows.length,
      [rows.map((r) => r.seq), rows.map((r) => r.findingKey), rows.map((r) => r.assetKey), rows.map((r) => r.label), rows.map((r) => r.content)],
      // The evidence key's digest, computed by PostgreSQL while it inserts: it has a core to
      // spare while this thread, the bottleneck, parses.
      { column: 'content_hash', sql: EVIDENCE_DIGEST_SQL },
    );
  }
}

/**
 * SQL for the digest in evidence keys, over the columns `label` and `content` of a row: SHA-256 of
 * the label's UTF-8, a NUL byte and the content's UTF-8 — the bytes earlier releases hashed in
 * JavaScript, so that re-importing a file imported then finds its evidence (tested).
 */
const EVIDENCE_DIGEST_SQL = `encode(sha256(convert_to(label, 'UTF8') || '\\x00'::bytea || convert_to(content, 'UTF8')), 'hex')`;

/** PostgreSQL text and jsonb cannot hold NUL; decoded binary evidence sometimes has it. */
function withoutNul(text: string): string {
  return text.includes('\0') ? text.replace(/\0/g, '\uFFFD') : text;
}

/**
 * JSON for a jsonb column. JSON.stringify writes NUL as the escape \u0000, which jsonb rejects;
 * such escapes (not preceded by an escaping backslash) become U+FFFD. No replacer function: it
 * would take JSON.stringify off its fast path, and this runs for every record.
 */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : json;
}

/**
 * Removes the rows staged for the import by `attempt` and every earlier attempt — never a newer
 * attempt's: the caller may be a worker presumed dead whose import is already being redone.
 */
export async function clearStaging(db: Queryable, importId: string, attempt: number): Promise<void> {
  for (const table of ['staging_assets', 'staging_findings', 'staging_links', 'staging_evidence']) {
    await db.query(`DELETE FROM ${table} WHERE import_id = $1 AND attempt <= $2`, [importId, attempt]);
  }
}
