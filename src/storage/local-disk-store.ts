/**
 * The embedded object store: files under a directory, and presigned URLs that Intake signs and
 * checks itself (HMAC-SHA256 over method, key, expiry and size limit). The signed URLs point at
 * this API's own `/cloud/uploads/<key>` route (see src/http/routes/local-uploads.routes.ts).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, opendir, rename, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors/app-error.js';
import { isSafeKey, type ObjectInfo, type ObjectStore, type PresignPutOptions } from './object-store.js';

export const LOCAL_UPLOAD_PATH = '/cloud/uploads/';

export interface SignedRequest {
  method: 'PUT' | 'GET';
  key: string;
  expires: number;
  maxBytes: number;
}

export class LocalDiskStore implements ObjectStore {
  constructor(
    private readonly rootDir: string,
    private readonly publicUrl: string,
    private readonly signingSecret: string,
    private readonly now: () => number = Date.now,
  ) {}

  async presignPut(key: string, options: PresignPutOptions): Promise<string> {
    this.pathOf(key);
    return this.signedUrl({ method: 'PUT', key, expires: this.expiry(options.expiresInSeconds), maxBytes: options.maxBytes });
  }

  async presignGet(key: string, options: { expiresInSeconds: number; signedAt?: Date }): Promise<string> {
    const from = options.signedAt ? Math.floor(options.signedAt.getTime() / 1000) : Math.floor(this.now() / 1000);
    return this.signedUrl({ method: 'GET', key, expires: from + options.expiresInSeconds, maxBytes: 0 });
  }

  /** Checks a request against its signature; throws a coded AppError when it may not proceed. */
  verify(method: string, key: string, query: Record<string, unknown>): SignedRequest {
    const expires = Number(query.expires);
    const maxBytes = Number(query.max ?? 0);
    const signature = typeof query.sig === 'string' ? query.sig : '';
    if (!isSafeKey(key) || !Number.isFinite(expires) || !Number.isFinite(maxBytes) || signature === '') {
      throw new AppError('UPLOAD_URL_INVALID', 'the upload URL is incomplete or malformed');
    }
    const request: SignedRequest = { method: method === 'GET' ? 'GET' : 'PUT', key, expires, maxBytes };
    const expected = Buffer.from(this.sign(request));
    const given = Buffer.from(signature);
    if (method !== request.method || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new AppError('UPLOAD_URL_SIGNATURE_INVALID', 'the URL signature does not match this key, method and limits');
    }
    if (this.now() > expires * 1000) {
      throw new AppError('UPLOAD_URL_EXPIRED', `the URL expired at ${new Date(expires * 1000).toISOString()}`);
    }
    return request;
  }

  async put(key: string, body: Readable, options: { maxBytes?: number } = {}): Promise<ObjectInfo> {
    const target = this.pathOf(key);
    // Write to a temporary name and rename: a reader never sees a partial object.
    const temp = `${target}.${randomUUID()}.part`;
    let size = 0;
    const limit = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) done(new AppError('OBJECT_TOO_LARGE', `the upload is larger than the limit of ${limit} bytes`));
        else done(null, chunk);
      },
    });
    // Opened before streaming, so the temp file surely exists when a failure cleans it up.
    const handle = await createInNewOrExistingDirectory(temp);
    try {
      await pipeline(body, counter, handle.createWriteStream());
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
    return { size };
  }

  /**
   * Deletes the temporary files of uploads that stopped: a process killed while receiving one
   * leaves its `.part` file behind. A file still being written is recent, so only those untouched
   * for `idleMs` go. The walk streams the directory tree; answers how many were removed.
   */
  async removeAbandonedParts(idleMs: number): Promise<number> {
    let removed = 0;
    const cutoff = this.now() - idleMs;
    try {
      for await (const entry of await opendir(this.rootDir, { recursive: true })) {
        if (!entry.isFile() || !entry.name.endsWith('.part')) continue;
        const path = join(entry.parentPath ?? entry.path, entry.name);
        const info = await stat(path).catch(() => undefined);
        if (info && info.mtimeMs < cutoff) {
          await unlink(path).catch(() => {});
          removed++;
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return removed;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { size: info.size } : null;
    } catch {
      return null;
    }
  }

  async get(key: string): Promise<Readable> {
    if (!(await this.head(key))) throw new AppError('OBJECT_NOT_FOUND', `no stored object "${key}"`);
    return createReadStream(this.pathOf(key), { highWaterMark: 256 * 1024 });
  }

  /** Deletes the object, and the folders of its key that it leaves empty (one per bulk job, say). */
  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    const root = resolve(this.rootDir);
    for (let dir = dirname(resolve(path)); dir.startsWith(root + sep); dir = dirname(dir)) {
      // Fails (ENOTEMPTY, ENOENT…) as soon as a folder still holds something: that is where to stop.
      if (!(await rmdir(dir).then(() => true, () => false))) break;
    }
  }

  private pathOf(key: string): string {
    if (!isSafeKey(key)) throw new AppError('OBJECT_KEY_INVALID', `"${key}" is not a valid object key`);
    return join(this.rootDir, key);
  }

  private expiry(seconds: number): number {
    return Math.floor(this.now() / 1000) + seconds;
  }

  private signedUrl(request: SignedRequest): string {
    const path = request.key.split('/').map(encodeURIComponent).join('/');
    const query = new URLSearchParams({ expires: String(request.expires), max: String(request.maxBytes), sig: this.sign(request) });
    return `${this.publicUrl}${LOCAL_UPLOAD_PATH}${path}?${query}`;
  }

  private sign(request: SignedRequest): string {
    return createHmac('sha256', this.signingSecret)
      .update(`${request.method}\n${request.key}\n${request.expires}\n${request.maxBytes}`)
      .digest('base64url');
  }
}

/**
 * Creates a new file, and its folder when needed. A delete of the last object in that folder may
 * remove it between the two steps; the folder is then made again.
 */
async function createInNewOrExistingDirectory(path: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt++) {
    await mkdir(dirname(path), { recursive: true });
    try {
      return await open(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
    }
  }
}
