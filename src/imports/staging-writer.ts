/**
 * Buffers parsed records and writes them to the staging tables in batches, one multi-row
 * `INSERT … SELECT FROM jsonb_array_elements(…)` per table and batch. Memory is bounded by the
 * batch size and by the bytes of evidence held (evidence bodies can be megabytes each).
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
  /**
   * Rows as JSON texts (`write`), made as each record arrives. Text, not the records' objects:
   * parsers' strings are often slices of a whole input chunk, and a batch that fills slowly (a few
   * thousand distinct findings over a whole scan) would keep a chunk alive for every row it holds
   * (measured: worker peak RSS 160 MB → 340 MB on a 100 MB file).
   */
  private assets: string[] = [];
  private findings: string[] = [];
  private links: string[] = [];
  private evidence: string[] = [];
  private evidenceChars = 0;
  private readonly inFlight: Promise<void>[] = [];
  private failure: unknown;

  constructor(
    private readonly db: Queryable,
    private readonly importId: string,
    private readonly attempt: number,
  ) {}

  /**
   * Starts the insert of a batch: `rows` are the JSON texts of its rows, each an array of the values
   * in the order of `columns` (name and SQL type; a jsonb column takes the value itself). The batch
   * goes to PostgreSQL as one JSON array, unpacked there (jsonb_array_elements), rather than as one
   * array parameter per column, which the driver escapes element by element in JavaScript (about a
   * tenth of this thread's time, on the thread that is the bottleneck). `computed` adds a column
   * from SQL over the others. Waits only when MAX_IN_FLIGHT inserts are already outstanding.
   */
  private async write(table: string, columns: readonly (readonly [string, string])[], rows: string[], computed?: { column: string; sql: string }): Promise<void> {
    if (rows.length === 0) return;
    const names = columns.map(([name]) => name).join(', ');
    const fields = columns.map(([name, type], i) => (type === 'jsonb' ? `r->${i}` : `(r->>${i})::${type}`) + ` AS ${name}`).join(', ');
    const text = `INSERT INTO ${table} (import_id, attempt, ${names}${computed ? `, ${computed.column}` : ''})
       SELECT $1, $2, u.*${computed ? `, ${computed.sql}` : ''} FROM (SELECT ${fields} FROM jsonb_array_elements($3::jsonb) AS r) AS u
        WHERE EXISTS (SELECT 1 FROM imports WHERE id = $1 AND attempt = $2 AND state = 'running')`;
    const expected = rows.length;
    this.inFlight.push(
      this.db.query(text, [this.importId, this.attempt, `[${rows.join(',')}]`]).then(
        (result) => {
          if (result.rowCount !== expected) this.failure ??= new StaleAttemptError(this.importId, this.attempt);
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
    // NUL and lone surrogates, which PostgreSQL cannot hold, are replaced in the row's JSON (toJson).
    switch (record.kind) {
      case 'asset': {
        this.assets.push(toJson([seq, record.key, record.data]));
        if (this.assets.length >= BATCH_ROWS) await this.flushAssets();
        break;
      }
      case 'finding': {
        const { title, severity, ...rest } = record.data;
        if (rest.description !== undefined) rest.description = sanitizeRichText(rest.description);
        if (rest.solution !== undefined) rest.solution = sanitizeRichText(rest.solution);
        this.findings.push(toJson([seq, record.key, title, severity, rest]));
        if (this.findings.length >= BATCH_ROWS) await this.flushFindings();
        break;
      }
      case 'link':
        this.links.push(toJson([seq, record.findingKey, record.assetKey, record.detail]));
        if (this.links.length >= BATCH_ROWS) await this.flushLinks();
        break;
      case 'evidence': {
        this.evidence.push(toJson([seq, record.findingKey, record.assetKey, record.label, record.content]));
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
    await this.write('staging_assets', ASSET_COLUMNS, this.assets.splice(0));
  }

  private async flushFindings(): Promise<void> {
    await this.write('staging_findings', FINDING_COLUMNS, this.findings.splice(0));
  }

  private async flushLinks(): Promise<void> {
    await this.write('staging_links', LINK_COLUMNS, this.links.splice(0));
  }

  private async flushEvidence(): Promise<void> {
    this.evidenceChars = 0;
    // The evidence key's digest, computed by PostgreSQL while it inserts: it has a core to
    // spare while this thread, the bottleneck, parses.
    await this.write('staging_evidence', EVIDENCE_COLUMNS, this.evidence.splice(0), { column: 'content_hash', sql: EVIDENCE_DIGEST_SQL });
  }
}

const ASSET_COLUMNS = [['seq', 'bigint'], ['identity', 'text'], ['data', 'jsonb']] as const;
const FINDING_COLUMNS = [['seq', 'bigint'], ['tool_key', 'text'], ['title', 'text'], ['severity', 'text'], ['data', 'jsonb']] as const;
const LINK_COLUMNS = [['seq', 'bigint'], ['finding_key', 'text'], ['asset_key', 'text'], ['detail', 'jsonb']] as const;
const EVIDENCE_COLUMNS = [['seq', 'bigint'], ['finding_key', 'text'], ['asset_key', 'text'], ['label', 'text'], ['content', 'text']] as const;

/**
 * SQL for the digest in evidence keys, over the columns `label` and `content` of a row: SHA-256 of
 * the label's UTF-8, a NUL byte and the content's UTF-8 — the bytes earlier releases hashed in
 * JavaScript, so that re-importing a file imported then finds its evidence (tested).
 */
const EVIDENCE_DIGEST_SQL = `encode(sha256(convert_to(label, 'UTF8') || '\\x00'::bytea || convert_to(content, 'UTF8')), 'hex')`;

/**
 * JSON that PostgreSQL's jsonb takes, for a batch of rows or one value. JSON.stringify writes NUL
 * as the escape \u0000 and a lone surrogate (from a JSON scanner file's "\ud800", say) as its
 * \udXXX escape; jsonb rejects both, and text columns cannot hold NUL. Such escapes (not preceded
 * by an escaping backslash) become U+FFFD, as decoding does with bytes that are not UTF-8.
 * JSON.stringify never escapes a valid surrogate pair, so every \udXXX escape is a lone one.
 * No replacer function: it would take JSON.stringify off its fast path.
 */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  // includes() first: a plain scan, cheaper than the regular expression.
  return json.includes('\\u') && UNSTORABLE_ESCAPE_TEST.test(json) ? json.replace(UNSTORABLE_ESCAPES, '$1\\ufffd') : json;
}

const UNSTORABLE_ESCAPE_TEST = /\\u(?:0000|d[89a-f])/i;
const UNSTORABLE_ESCAPES = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

/**
 * Removes the rows staged for the import by `attempt` and every earlier attempt — never a newer
 * attempt's: the caller may be a worker presumed dead whose import is already being redone.
 */
export async function clearStaging(db: Queryable, importId: string, attempt: number): Promise<void> {
  for (const table of ['staging_assets', 'staging_findings', 'staging_links', 'staging_evidence']) {
    await db.query(`DELETE FROM ${table} WHERE import_id = $1 AND attempt <= $2`, [importId, attempt]);
  }
}
