/**
 * The api side of scanner file imports (spec 1): issue upload keys, and turn an uploaded object
 * into an import row plus its queue job, in one transaction. Nothing here reads the file's content.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type PgBoss from 'pg-boss';
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import type { ObjectStore } from '../storage/object-store.js';
import { isSafeKey } from '../storage/object-store.js';
import { AUTO_SOURCE, getParser, listSources } from '../parsers/registry.js';
import { getClient, getReport } from '../db/repositories/clients.repository.js';
import { claimUploadKey, findUploadKey, insertImport, insertUploadKey, type ImportRow } from '../db/repositories/imports.repository.js';
import { JOBS, queueImport } from './jobs.js';
import { parseTags } from './tags.js';

export interface Caller {
  tenantId: number;
  userId: number;
  email: string;
}

export interface FileImportSettings {
  uploadMaxBytes: number;
  uploadUrlTtlSeconds: number;
}

export interface ImportTarget {
  clientId: number;
  reportId: number;
  source: string;
}

export class FileImportService {
  constructor(
    private readonly pool: Pool,
    private readonly boss: PgBoss,
    private readonly store: ObjectStore,
    private readonly settings: FileImportSettings,
  ) {}

  /** Step 1 of spec 1: a fresh key for `fileName`, bound to the caller, and a URL to PUT it to. */
  async issueUploadUrl(caller: Caller, fileName: string): Promise<{ key: string; url: string }> {
    const key = `${newUploadId()}/${safeFileName(fileName)}`;
    const expiresAt = new Date(Date.now() + this.settings.uploadUrlTtlSeconds * 1000);
    // The name is kept as data (without control characters, which the database cannot hold).
    const storedName = fileName.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255) || 'upload';
    await insertUploadKey(this.pool, { key, tenantId: caller.tenantId, userId: caller.userId, fileName: storedName, maxBytes: this.settings.uploadMaxBytes, expiresAt });
    const url = await this.store.presignPut(key, { expiresInSeconds: this.settings.uploadUrlTtlSeconds, maxBytes: this.settings.uploadMaxBytes });
    return { key, url };
  }

  /** Step 3 of spec 1: queue the import of an object the caller uploaded with a presigned URL. */
  async startPreuploadedImport(
    caller: Caller,
    target: ImportTarget,
    body: { key: string; fileName?: string; tags?: unknown; useParserActions?: unknown },
  ): Promise<ImportRow> {
    target = { ...target, source: this.canonicalSource(target.source) };
    const tags = parseTags(body.tags);
    await this.assertReport(caller, target);
    if (!isSafeKey(body.key)) throw new AppError('UPLOAD_KEY_NOT_FOUND', `no upload with key "${body.key}"`);
    const upload = await findUploadKey(this.pool, caller.tenantId, caller.userId, body.key);
    if (!upload) throw new AppError('UPLOAD_KEY_NOT_FOUND', `no upload with key "${body.key}" was issued to you`);
    const info = await this.store.head(body.key);
    if (!info) throw new AppError('UPLOAD_NOT_FOUND', `nothing was uploaded for key "${body.key}"; PUT the file to the presigned URL first`);
    if (info.size > upload.max_bytes) {
      throw new AppError('OBJECT_TOO_LARGE', `the upload is ${info.size} bytes, over the limit of ${upload.max_bytes}`);
    }
    const fileName = (typeof body.fileName === 'string' && body.fileName.trim()) || upload.file_name;
    const useParserActions = body.useParserActions === true || body.useParserActions === 'true';
    return this.queue(caller, target, { key: body.key, fileName, size: info.size, tags, useParserActions, presigned: true });
  }

  /** The deprecated importAsync route: stream the multipart file to storage, then queue as above. */
  async startStreamedImport(caller: Caller, target: ImportTarget, file: { fileName: string; stream: Readable }, fields: { tags?: unknown }): Promise<ImportRow> {
    target = { ...target, source: this.canonicalSource(target.source) };
    const tags = parseTags(fields.tags);
    await this.assertReport(caller, target);
    const key = `${newUploadId()}/${safeFileName(file.fileName)}`;
    const { size } = await this.store.put(key, file.stream, { maxBytes: this.settings.uploadMaxBytes });
    return this.queue(caller, target, { key, fileName: file.fileName, size, tags, useParserActions: false });
  }

  /** Checks what can be checked before the file is read (fields not yet streamed). */
  async checkTarget(caller: Caller, target: ImportTarget): Promise<void> {
    this.canonicalSource(target.source);
    await this.assertReport(caller, target);
  }

  private async queue(
    caller: Caller,
    target: ImportTarget,
    file: { key: string; fileName: string; size: number; tags: { assets: string[]; findings: string[] }; useParserActions: boolean; presigned?: boolean },
  ): Promise<ImportRow> {
    return withTransaction(this.pool, async (tx) => {
      const id = randomUUID();
      const row = await insertImport(tx, {
        id,
        tenantId: caller.tenantId,
        userId: caller.userId,
        clientId: target.clientId,
        reportId: target.reportId,
        source: target.source,
        fileLocation: file.key,
        originalFilename: file.fileName,
        fileType: fileTypeOf(file.fileName),
        fileSize: file.size,
        parserActionsEnabled: file.useParserActions,
        assetTags: file.tags.assets,
        findingTags: file.tags.findings,
      });
      // A presigned key starts one import only: a replayed request must not import the file again.
      if (file.presigned && !(await claimUploadKey(tx, file.key, id))) {
        throw new AppError('UPLOAD_KEY_USED', `the upload "${file.key}" was already imported; upload the file again to import it again`);
      }
      await queueImport(this.boss, tx, JOBS.fileImport, row.id);
      return row;
    });
  }

  /** The canonical source name for a requested source or alias (`auto` stays `auto` until the worker detects). */
  private canonicalSource(source: string): string {
    if (source === AUTO_SOURCE) return AUTO_SOURCE;
    const parser = getParser(source);
    if (!parser) {
      throw new AppError('SOURCE_UNKNOWN', `unknown import source "${source}"; supported sources: ${[...listSources(), AUTO_SOURCE].join(', ')}`);
    }
    return parser.source;
  }

  private async assertReport(caller: Caller, target: ImportTarget): Promise<void> {
    if (!(await getClient(this.pool, caller.tenantId, target.clientId))) throw new AppError('CLIENT_NOT_FOUND', `client ${target.clientId} not found`);
    if (!(await getReport(this.pool, caller.tenantId, target.clientId, target.reportId))) {
      throw new AppError('REPORT_NOT_FOUND', `report ${target.reportId} not found for client ${target.clientId}`);
    }
  }
}

/** A collision-free, URL-safe id for an upload's key prefix (lower-case, like PlexTrac's cuids). */
function newUploadId(): string {
  return `c${Date.now().toString(36)}${randomBytes(10).toString('hex')}`;
}

/** Keeps the name recognisable but safe as one path segment of a key. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').replace(/[^\w.\- ()+@]/g, '_').trim().slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'upload' : cleaned;
}

function fileTypeOf(fileName: string): string {
  const ext = fileName.toLowerCase().split('.').pop();
  if (ext === 'xml' || ext === 'nessus') return 'text/xml';
  if (ext === 'json' || ext === 'jsonl') return 'application/json';
  if (ext === 'csv') return 'text/csv';
  return 'application/octet-stream';
}
