import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Store } from './s3-store.js';

const base = { kind: 's3' as const, bucket: 'scans', region: 'us-east-1', accessKeyId: 'AK', secretAccessKey: 'SK', forcePathStyle: true, createBucket: false };

test('presigned URLs point at the S3 endpoint, path-style, for the key and method they were made for', async () => {
  const store = new S3Store({ ...base, endpoint: 'http://minio.internal:9000' });
  const put = new URL(await store.presignPut('cabc/scan.nessus', { expiresInSeconds: 900, maxBytes: 10 }));
  assert.equal(put.origin, 'http://minio.internal:9000');
  assert.equal(put.pathname, '/scans/cabc/scan.nessus');
  assert.equal(put.searchParams.get('X-Amz-Expires'), '900');
  assert.ok(put.searchParams.get('X-Amz-Signature'));
  assert.equal(put.searchParams.get('x-amz-checksum-crc32'), null, 'no checksum binds the URL to one body');
  const get = new URL(await store.presignGet('cabc/report.csv', { expiresInSeconds: 60, downloadName: 'report.csv' }));
  assert.equal(get.searchParams.get('response-content-disposition'), 'attachment; filename="report.csv"');
  store.destroy();
});

test('with S3_PUBLIC_ENDPOINT, presigned URLs use the address clients reach', async () => {
  const store = new S3Store({ ...base, endpoint: 'http://minio:9000', publicEndpoint: 'https://files.example.com' });
  const url = new URL(await store.presignPut('cabc/scan.nessus', { expiresInSeconds: 60, maxBytes: 10 }));
  assert.equal(url.origin, 'https://files.example.com');
  assert.equal(url.pathname, '/scans/cabc/scan.nessus');
  store.destroy();
});
