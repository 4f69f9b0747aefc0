/**
 * The worker side of a scanner file import: one attempt, from the stored file to a committed (or
 * failed) import. Deterministic failures (bad file, unknown source, missing object) end the import
 * as failed at once; anything else is thrown so that the queue retries it.
 */
import type { Pool } from '../db/pool.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { Logger } from '../logging.js';
import { AppError } from '../errors/app-error.js';
import { ParseError } from '../parsers/parse-error.js';
import { beginAttempt, markFailed, recordProgress, setImportSource } from '../db/repositories/imports.repository.js';
import { chooseParser, unrecognisedFileMessage } from './choose-parser.js';
import { peekHead } from './peek-head.js';
import { startHeartbeat } from './heartbeat.js';
import { StagingWriter, clearStaging } from './staging-writer.js';
import { commitImport } from './commit-import.js';
import { StaleAttemptError } from './stale-attempt.js';
import { applyParserActions, loadParserActionRules } from './parser-actions.js';
import { parseInThread } from './parse-thread.js';
import { dropRepeats } from './repeat-detector.js';

const PROGRESS_INTERVAL_MS = 1000;
/** How much of a file is read to recognise its format. */
const HEAD_BYTES = 8192;
/** Failures no retry can mend. */
const DETERMINISTIC_CODES = new Set(['PARSE_ERROR', 'OBJECT_NOT_FOUND', 'OBJECT_TOO_LARGE', 'SOURCE_UNKNOWN', 'FORMAT_UNKNOWN', 'FORMAT_MISMATCH']);

export interface FileImportDeps {
  pool: Pool;
  store: ObjectStore;
  log: Logger;
  heartbeatSeconds: number;
  /** Parse in a worker thread (parse-thread.ts) rather than on this one. */
  parseInThread?: boolean;
}

export async function runFileImport(deps: FileImportDeps, importId: string, options: { finalAttempt: boolean }): Promise<void> {
  const { pool, log } = deps;
  const row = await beginAttempt(pool, importId);
  if (!row) {
    log.info({ importId }, 'import already finished; nothing to do');
    return;
  }
  const attempt = row.attempt;
  const started = Date.now();
  const stopHeartbeat = startHeartbeat(pool, importId, attempt, deps.heartbeatSeconds, log);
  let writer: StagingWriter | undefined;
  try {
    await clearStaging(pool, importId, attempt);
    const info = await deps.store.head(row.file_location);
    if (!info) throw new AppError('OBJECT_NOT_FOUND', `the uploaded file "${row.file_location}" is no longer in storage`);

    const statistics = new StagingStatistics(pool, info.size);
    const counted = countBytes(await deps.store.get(row.file_location), async (bytes) => {
      await recordProgress(pool, importId, attempt, bytes);
      statistics.progress(bytes, writer?.recordCount ?? 0);
    });
    const { head, body } = await peekHead(counted, HEAD_BYTES);
    const { parser, recognised } = chooseParser(row.source, head);
    if (parser.source !== row.source) {
      await setImportSource(pool, importId, attempt, parser.source);
      row.source = parser.source;
    }
    writer = new StagingWriter(pool, importId, attempt);
    // Parser actions (IGNORE, LINK, severity) are loaded once, for the source actually parsed.
    const parsed = deps.parseInThread ? parseInThread(parser.source, body) : dropRepeats(parser.parse(body));
    const records = row.parser_actions_enabled ? applyParserActions(parsed, await loadParserActionRules(pool, row.tenant_id, row.source)) : parsed;
    try {
      for await (const record of records) await writer.add(record);
    } catch (error) {
      if (error instanceof ParseError && !recognised) {
        throw new AppError('PARSE_ERROR', unrecognisedFileMessage(parser, head, error.message), { cause: error });
      }
      throw error;
    }
    await writer.flush();
    await statistics.ready(writer.recordCount);
    const staged = Date.now();
    const counts = await commitImport(pool, row, attempt);
    log.info(
      { importId, attempt, ms: Date.now() - started, stageMs: staged - started, commitMs: Date.now() - staged, records: writer.recordCount, ...counts },
      'import complete',
    );
  } catch (error) {
    // No insert of this attempt may land after its rows are cleared (or a retry has begun).
    await writer?.settle();
    if (error instanceof StaleAttemptError) {
      log.warn({ importId, attempt }, error.message);
      return;
    }
    const deterministic = error instanceof AppError && DETERMINISTIC_CODES.has(error.code);
    if (!deterministic && !options.finalAttempt) {
      log.warn({ importId, attempt, err: error }, 'import attempt failed; the queue will retry it');
      throw error;
    }
    const message = deterministic ? (error as Error).message : `import failed after ${attempt} attempts: ${(error as Error).message}`;
    await clearStaging(pool, importId, attempt).catch(() => {});
    const marked = await markFailed(pool, importId, attempt, message);
    log.warn({ importId, attempt, marked, message }, 'import failed');
  } finally {
    stopHeartbeat();
  }
}

/**
 * The commit selects this import's staged rows by import_id from tables every import shares; with
 * statistics that still describe an earlier import the planner expects one row and picks nested
 * loops that cost rows × rows (measured: 109 s instead of 0.35 s for a 500 MB scan). A large
 * import refreshes them first — outside the commit transaction, whose lock it would otherwise hold.
 *
 * ANALYZE takes about a second whatever the import's size (it samples 30,000 rows a table). It
 * does not need every row staged, only enough that the planner expects many: so it starts in the
 * background on its own connection once most of the file is read, while parsing (the bottleneck)
 * goes on, and the commit waits for it only if it has not finished by then. Small imports skip it.
 */
const ANALYZE_FROM_RECORDS = 5000;
/** Share of the file read when the background ANALYZE starts. */
const ANALYZE_AT_FRACTION = 0.6;

class StagingStatistics {
  private analyzing: Promise<boolean> | undefined;

  constructor(private readonly pool: Pool, private readonly fileBytes: number) {}

  /** Called as the file is read: starts the background ANALYZE once, when it is worth it. */
  progress(bytesRead: number, recordsStaged: number): void {
    if (this.analyzing || recordsStaged < ANALYZE_FROM_RECORDS || bytesRead < this.fileBytes * ANALYZE_AT_FRACTION) return;
    this.analyzing = this.analyze().then(() => true, () => false);
  }

  /** Before the commit: statistics describe this import (a failed background run is redone). */
  async ready(recordsStaged: number): Promise<void> {
    if (recordsStaged < ANALYZE_FROM_RECORDS) return;
    if (await this.analyzing) return;
    await this.analyze();
  }

  private async analyze(): Promise<void> {
    await this.pool.query('ANALYZE staging_assets, staging_findings, staging_links, staging_evidence');
  }
}

/** Passes bytes through, reporting the running total at most once a second. */
async function* countBytes(source: AsyncIterable<Buffer>, report: (bytes: number) => Promise<void>): AsyncIterable<Buffer> {
  let bytes = 0;
  let lastReport = Date.now();
  for await (const chunk of source) {
    bytes += chunk.length;
    if (Date.now() - lastReport >= PROGRESS_INTERVAL_MS) {
      lastReport = Date.now();
      await report(bytes);
    }
    yield chunk;
  }
}
