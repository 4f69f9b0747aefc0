/**
 * Where uploaded files and generated reports live. Two implementations, one interface:
 * LocalDiskStore (embedded default, Intake signs its own URLs) and S3Store (S3/MinIO, real S3
 * presigned URLs). Nothing outside src/storage knows which one is in use.
 *
 * Keys are opaque relative paths such as `<random id>/<file name>`; callers have already checked
 * them with `assertSafeKey`.
 */
import type { Readable } from 'node:stream';

export interface PresignPutOptions {
  expiresInSeconds: number;
  /** Largest body the URL accepts, in bytes (enforced by the local store; S3 checks at import). */
  maxBytes: number;
  contentType?: string;
}

export interface ObjectInfo {
  size: number;
}

export interface ObjectStore {
  /** A URL a client can PUT the object's bytes to, without other credentials, until it expires. */
  presignPut(key: string, options: PresignPutOptions): Promise<string>;
  /**
   * A URL a client can GET the object from until it expires. With `signedAt`, the URL is made as
   * if signed then: it expires at signedAt + expiresInSeconds however often it is made again.
   */
  presignGet(key: string, options: { expiresInSeconds: number; downloadName?: string; signedAt?: Date }): Promise<string>;
  /** Streams `body` into the object (never buffering it whole); fails with OBJECT_TOO_LARGE past maxBytes. */
  put(key: string, body: Readable, options?: { maxBytes?: number; contentType?: string }): Promise<ObjectInfo>;
  /** Size of the object, or null when it does not exist. */
  head(key: string): Promise<ObjectInfo | null>;
  /** A stream of the object's bytes; fails with OBJECT_NOT_FOUND when absent. */
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
}

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\/[^/\\\u0000-\u001f]{1,255}$/;

/** Keys are `<id>/<name>`: no traversal, no absolute paths, no control characters. */
export function isSafeKey(key: string): boolean {
  return SAFE_KEY.test(key) && !key.split('/').some((part) => part === '.' || part === '..');
}
