/**
 * Writes loaded CSV rows to application_records in batches (unnest), keyed by the import and the
 * attempt. A batch is inserted only while the attempt still owns the import; one that inserts
 * nothing means a newer attempt took over, and ends this one (StaleAttemptError), so a worker
 * presumed dead never adds rows to the build that replaced it.
 */
import type { Queryable } from '../db/pool.js';
import { StaleAttemptError } from '../imports/stale-attempt.js';

const BATCH = 2000;

export class RecordWriter {
  private lines: number[] = [];
  private keys: (string | null)[] = [];
  private data: string[] = [];

  constructor(
    private readonly db: Queryable,
    private readonly importId: string,
    private readonly attempt: number,
    private readonly fileGroupId: string,
  ) {}

  async add(line: number, accountKey: string | null, data: Record<string, string>): Promise<void> {
    this.lines.push(line);
    this.keys.push(accountKey);
    this.data.push(JSON.stringify(data).replace(/\\u0000/g, '\\uFFFD'));
    if (this.lines.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const { rowCount } = await this.db.query(
      `INSERT INTO application_records (import_id, attempt, file_group_id, line, account_key, data)
       SELECT $1, $2, $3, * FROM unnest($4::int[], $5::text[], $6::jsonb[])
        WHERE EXISTS (SELECT 1 FROM imports WHERE id = $1 AND attempt = $2 AND state = 'running')`,
      [this.importId, this.attempt, this.fileGroupId, this.lines, this.keys, this.data],
    );
    if (rowCount !== this.lines.length) throw new StaleAttemptError(this.importId, this.attempt);
    this.lines = [];
    this.keys = [];
    this.data = [];
  }
}

/**
 * Removes the rows loaded for the import: all of them, or with `upToAttempt` only those of that
 * attempt and earlier ones — never a newer attempt's, for the caller may be a worker presumed dead
 * whose import is already being redone.
 */
export async function clearRecords(db: Queryable, importId: string, upToAttempt?: number): Promise<void> {
  if (upToAttempt === undefined) await db.query('DELETE FROM application_records WHERE import_id = $1', [importId]);
  else await db.query('DELETE FROM application_records WHERE import_id = $1 AND attempt <= $2', [importId, upToAttempt]);
}
