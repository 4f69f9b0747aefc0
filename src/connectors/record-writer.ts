/** Writes loaded CSV rows to application_records in batches (unnest), keyed by the import. */
import type { Queryable } from '../db/pool.js';

const BATCH = 2000;

export class RecordWriter {
  private lines: number[] = [];
  private keys: (string | null)[] = [];
  private data: string[] = [];

  constructor(private readonly db: Queryable, private readonly importId: string, private readonly fileGroupId: string) {}

  async add(line: number, accountKey: string | null, data: Record<string, string>): Promise<void> {
    this.lines.push(line);
    this.keys.push(accountKey);
    this.data.push(JSON.stringify(data).replace(/\\u0000/g, '\\uFFFD'));
    if (this.lines.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    await this.db.query(
      `INSERT INTO application_records (import_id, file_group_id, line, account_key, data)
       SELECT $1, $2, * FROM unnest($3::int[], $4::text[], $5::jsonb[])`,
      [this.importId, this.fileGroupId, this.lines, this.keys, this.data],
    );
    this.lines = [];
    this.keys = [];
    this.data = [];
  }
}

export async function clearRecords(db: Queryable, importId: string): Promise<void> {
  await db.query('DELETE FROM application_records WHERE import_id = $1', [importId]);
}
