/**
 * The api side of connector file imports (spec 3): read a multipart upload (files streamed to
 * object storage as they arrive), check everything the spec names, report every problem at once,
 * and create the import row, its files and its queue job together. A refused upload leaves
 * nothing stored.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type PgBoss from 'pg-boss';
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { AppError } from '../errors/app-error.js';
import type { ObjectStore } from '../storage/object-store.js';
import { safeFileName } from '../imports/file-import.service.js';
import { JOBS, queueImport } from '../imports/jobs.js';
import { getApplication, getConnector, isUuid, type ApplicationRow } from '../db/repositories/connectors.repository.js';
import { insertApplicationImport, insertImportFile, latestUploadOf, listImportFiles } from '../db/repositories/application-imports.repository.js';
import type { Connector } from './model.js';

export interface FieldError {
  field: string;
  message: string;
}

export interface UploadPart {
  fieldname: string;
  /** Present for file parts. */
  file?: { name: string; stream: Readable };
  /** Present for text fields. */
  value?: string;
}

export interface ImportCaller {
  tenantId: number;
  userId: number;
  label: string;
}

/** An import just queued, with what identifies it in logs. */
export interface QueuedApplicationImport {
  importId: string;
  applicationId: string;
  connectorId: string;
  /** `API` (an upload) or `Staged` (the latest upload's files again). */
  type: string;
}

interface StoredFile {
  field: string;
  name: string;
  key: string;
  size: number;
}

export function validationError(errors: FieldError[]): AppError {
  return new AppError('VALIDATION_ERROR', 'One or more validation errors occurred', { details: { errors } });
}

export class ApplicationImportService {
  constructor(private readonly pool: Pool, private readonly boss: PgBoss, private readonly store: ObjectStore, private readonly maxFileBytes: number) {}

  /** POST /api/application-imports/upload. */
  async upload(caller: ImportCaller, queryApplicationId: string | undefined, parts: AsyncIterable<UploadPart>): Promise<QueuedApplicationImport> {
    const importId = randomUUID();
    const stored: StoredFile[] = [];
    const errors: FieldError[] = [];
    let formApplicationId: string | undefined;
    try {
      for await (const part of parts) {
        if (!part.file) {
          if (part.fieldname === 'applicationId') formApplicationId = part.value?.trim();
          else if (isUuid(part.fieldname)) errors.push({ field: part.fieldname, message: 'Field must be a file upload, not a text value' });
          continue;
        }
        if (!isUuid(part.fieldname)) {
          part.file.stream.resume();
          errors.push({ field: part.fieldname, message: 'Field name must be a file group ID (GUID)' });
          continue;
        }
        const key = `a${importId.replace(/-/g, '')}${stored.length}/${safeFileName(part.file.name)}`;
        const { size } = await this.store.put(key, part.file.stream, { maxBytes: this.maxFileBytes, contentType: 'text/csv' });
        stored.push({ field: part.fieldname.toLowerCase(), name: part.file.name, key, size });
      }
      const applicationId = queryApplicationId?.trim() || formApplicationId;
      const target = await this.checkApplication(caller, applicationId, errors);
      if (target) this.checkFiles(target.connector, stored, errors);
      if (errors.length > 0 || !target) throw validationError(errors);
      return await this.create(caller, target.application, 'API', stored.map((f) => ({ groupId: f.field, name: f.name, key: f.key, size: f.size })), importId);
    } catch (error) {
      await Promise.all(stored.map((f) => this.store.delete(f.key).catch(() => {})));
      throw error;
    }
  }

  /** POST /api/application-imports/stage: a new import from the files of the latest upload. */
  async stage(caller: ImportCaller, applicationId: unknown): Promise<QueuedApplicationImport> {
    const errors: FieldError[] = [];
    const target = await this.checkApplication(caller, typeof applicationId === 'string' ? applicationId.trim() : undefined, errors);
    if (!target) throw validationError(errors);
    const latest = await latestUploadOf(this.pool, target.application.id);
    if (!latest) throw validationError([{ field: 'applicationId', message: 'Application has no uploaded files to stage an import from' }]);
    const files = await listImportFiles(this.pool, [latest]);
    const importId = randomUUID();
    return this.create(caller, target.application, 'Staged', files.map((f) => ({ groupId: f.file_group_id, name: f.name, key: f.location, size: f.size })), importId);
  }

  private async checkApplication(
    caller: ImportCaller,
    applicationId: string | undefined,
    errors: FieldError[],
  ): Promise<{ application: ApplicationRow; connector: Connector } | null> {
    if (!applicationId) {
      errors.push({ field: 'applicationId', message: 'applicationId is required (query parameter or form field)' });
      return null;
    }
    if (!isUuid(applicationId)) {
      errors.push({ field: 'applicationId', message: 'applicationId must be a GUID' });
      return null;
    }
    const application = await getApplication(this.pool, caller.tenantId, applicationId);
    if (!application) {
      errors.push({ field: 'applicationId', message: 'Application not found' });
      return null;
    }
    if (application.is_archived) {
      errors.push({ field: 'applicationId', message: 'Application is archived' });
      return null;
    }
    const connector = (await getConnector(this.pool, caller.tenantId, application.connector_id))!;
    if (connector.kind !== 'file') {
      errors.push({ field: 'applicationId', message: `Application's connector "${connector.name}" is not file-based and takes no uploads` });
      return null;
    }
    return { application, connector };
  }

  private checkFiles(connector: Connector, stored: StoredFile[], errors: FieldError[]): void {
    const seen = new Set<string>();
    for (const file of stored) {
      const group = connector.fileGroups.find((g) => g.id === file.field);
      if (!group) errors.push({ field: file.field, message: `Not a file group of connector "${connector.name}"` });
      else if (seen.has(group.id)) errors.push({ field: file.field, message: `Only one file may be sent for ${group.name}` });
      else if (file.size === 0) errors.push({ field: file.field, message: `File must not be empty: ${file.name}` });
      seen.add(file.field);
    }
    for (const group of connector.fileGroups) {
      if (group.required && !seen.has(group.id)) errors.push({ field: group.id, message: `Required file missing: ${group.name}` });
    }
    if (stored.length === 0 && !connector.fileGroups.some((g) => g.required)) {
      errors.push({ field: 'files', message: 'At least one file is required' });
    }
  }

  private async create(
    caller: ImportCaller,
    application: ApplicationRow,
    type: string,
    files: { groupId: string; name: string; key: string; size: number }[],
    importId: string,
  ): Promise<QueuedApplicationImport> {
    await withTransaction(this.pool, async (tx) => {
      await insertApplicationImport(tx, {
        id: importId,
        tenantId: caller.tenantId,
        userId: caller.userId,
        applicationId: application.id,
        type,
        createdBy: caller.label,
        totalSize: files.reduce((sum, f) => sum + f.size, 0),
      });
      for (const f of files) await insertImportFile(tx, { id: randomUUID(), importId, fileGroupId: f.groupId, name: f.name, location: f.key, size: f.size });
      await queueImport(this.boss, tx, JOBS.applicationImport, importId);
    });
    return { importId, applicationId: application.id, connectorId: application.connector_id, type };
  }
}

export function requireFound<T>(value: T | null, what: string): T {
  if (value === null) throw new AppError('NOT_FOUND', `${what} not found`);
  return value;
}
