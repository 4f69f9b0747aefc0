/**
 * S3 / MinIO object store. Presigned URLs are real S3 URLs: clients upload straight to the bucket.
 * S3 cannot cap the size of a presigned PUT, so the size limit is checked when the import starts.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Transform, type Readable } from 'node:stream';
import { AppError } from '../errors/app-error.js';
import type { StorageConfig } from '../config/config.js';
import type { ObjectInfo, ObjectStore, PresignPutOptions } from './object-store.js';

type S3Config = Extract<StorageConfig, { kind: 's3' }>;

export class S3Store implements ObjectStore {
  private readonly client: S3Client;
  /** Signs URLs for clients; differs from `client` only when S3_PUBLIC_ENDPOINT is set. */
  private readonly signer: S3Client;

  constructor(private readonly config: S3Config) {
    this.client = S3Store.makeClient(config, config.endpoint);
    this.signer = config.publicEndpoint ? S3Store.makeClient(config, config.publicEndpoint) : this.client;
  }

  private static makeClient(config: S3Config, endpoint: string | undefined): S3Client {
    return new S3Client({
      endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      // Checksums in presigned URLs would bind them to one body; MinIO and s3rver also reject some.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials:
        config.accessKeyId && config.secretAccessKey
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined,
    });
  }

  /** Checks the bucket is reachable (creating it when configured to); fails fast at start. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket }));
    } catch (error) {
      if (!this.config.createBucket) {
        throw new Error(`S3 bucket "${this.config.bucket}" is not reachable at ${this.config.endpoint ?? 'AWS'}`, { cause: error });
      }
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.config.bucket }));
      } catch (createError) {
        // Another process (api and workers start together) may have created it first.
        if (!(createError instanceof S3ServiceException && createError.name.startsWith('BucketAlready'))) throw createError;
      }
    }
  }

  presignPut(key: string, options: PresignPutOptions): Promise<string> {
    const command = new PutObjectCommand({ Bucket: this.config.bucket, Key: key });
    return getSignedUrl(this.signer, command, { expiresIn: options.expiresInSeconds });
  }

  presignGet(key: string, options: { expiresInSeconds: number; downloadName?: string; signedAt?: Date }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.config.bucket,
      Key: key,
      ResponseContentDisposition: options.downloadName ? `attachment; filename="${options.downloadName}"` : undefined,
    });
    return getSignedUrl(this.signer, command, { expiresIn: options.expiresInSeconds, signingDate: options.signedAt });
  }

  async put(key: string, body: Readable, options: { maxBytes?: number; contentType?: string } = {}): Promise<ObjectInfo> {
    let size = 0;
    const limit = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const counted = body.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (size > limit) done(new AppError('OBJECT_TOO_LARGE', `the upload is larger than the limit of ${limit} bytes`));
          else done(null, chunk);
        },
      }),
    );
    body.once('error', (error) => counted.destroy(error));
    // Multipart upload in 8 MiB parts: memory stays bounded whatever the size.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.config.bucket, Key: key, Body: counted, ContentType: options.contentType },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
    });
    const failed = new Promise<never>((_, reject) => counted.once('error', reject));
    try {
      await Promise.race([upload.done(), failed]);
    } catch (error) {
      await upload.abort().catch(() => {});
      throw error;
    }
    return { size };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return { size: result.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return result.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new AppError('OBJECT_NOT_FOUND', `no stored object "${key}"`, { cause: error });
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
  }

  destroy(): void {
    this.client.destroy();
    if (this.signer !== this.client) this.signer.destroy();
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NotFound' || error.name === 'NoSuchKey');
}
