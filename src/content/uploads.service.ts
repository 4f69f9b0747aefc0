/**
 * Images for rich-text fields: a file is streamed to the object store (never held whole in
 * memory) while its first bytes are kept to recognise the format; it is then recorded as the
 * tenant's, under a generated name: `<uuid>.<ext>` for a recognised image, `<uuid>` for anything
 * else (PlexTrac's "read as a byte stream", served only as a download).
 */
import { randomUUID } from 'node:crypto';
import { Transform, pipeline, type Readable } from 'node:stream';
import type { Pool } from '../db/pool.js';
import type { ObjectStore } from '../storage/object-store.js';
import { AppError } from '../errors/app-error.js';
import { findUploadedFile, insertUploadedFile, type UploadedFileRow } from '../db/repositories/uploads.repository.js';
import { IMAGE_HEAD_BYTES, detectImageType } from './image-type.js';

/** Object keys of uploads live under this prefix: `uploads/<uuid>`. */
const KEY_PREFIX = 'uploads';
/** What the URL may name: a generated uuid, with an image extension or none. */
const UPLOAD_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\.(?:png|jpg|gif|webp|bmp))?$/;

export interface StoredUpload {
  name: string;
  /** Relative URL below /api/v1, as PlexTrac answers it: `uploads/<name>`. */
  fileUrl: string;
  contentType: string | null;
  size: number;
}

export class UploadsService {
  constructor(private readonly pool: Pool, private readonly store: ObjectStore, private readonly maxBytes: number) {}

  async save(owner: { tenantId: number; userId: number }, body: Readable): Promise<StoredUpload> {
    const id = randomUUID();
    const objectKey = `${KEY_PREFIX}/${id}`;
    const head = new HeadCapture(IMAGE_HEAD_BYTES);
    // pipeline (not pipe) so that a failing upload (client gone, size limit) fails the put too.
    const { size } = await this.store.put(objectKey, pipeline(body, head, () => {}), { maxBytes: this.maxBytes });
    const type = detectImageType(head.captured());
    const name = type ? `${id}.${type.ext}` : id;
    try {
      await insertUploadedFile(this.pool, { name, tenantId: owner.tenantId, userId: owner.userId, objectKey, contentType: type?.contentType ?? null, size });
    } catch (error) {
      await this.store.delete(objectKey).catch(() => {});
      throw error;
    }
    return { name, fileUrl: `${KEY_PREFIX}/${name}`, contentType: type?.contentType ?? null, size };
  }

  /** The file and a stream of its bytes; UPLOADED_FILE_NOT_FOUND when absent or another tenant's. */
  async open(tenantId: number, name: string): Promise<{ file: UploadedFileRow; body: Readable }> {
    const file = UPLOAD_NAME.test(name) ? await findUploadedFile(this.pool, tenantId, name) : null;
    if (!file) throw new AppError('UPLOADED_FILE_NOT_FOUND', `no uploaded file "${name}"`);
    try {
      return { file, body: await this.store.get(file.object_key) };
    } catch (error) {
      if (error instanceof AppError && error.code === 'OBJECT_NOT_FOUND') {
        throw new AppError('UPLOADED_FILE_NOT_FOUND', `the uploaded file "${name}" is no longer in storage`, { cause: error });
      }
      throw error;
    }
  }
}

/** Passes bytes through unchanged, keeping a copy of the first `limit` of them. */
class HeadCapture extends Transform {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    if (this.size < this.limit) {
      const part = chunk.subarray(0, this.limit - this.size);
      this.chunks.push(Buffer.from(part));
      this.size += part.length;
    }
    done(null, chunk);
  }

  captured(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
