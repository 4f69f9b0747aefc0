import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '../errors/app-error.js';
import { LOCAL_UPLOAD_PATH, LocalDiskStore } from './local-disk-store.js';

const PUBLIC_URL = 'http://intake.test:8080';
const SECRET = 'signing-secret';
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
const KEY = 'cabc123/Scan Report (1).nessus';

function hasCode(code: string) {
  return (error: unknown) => error instanceof AppError && error.code === code;
}

/** Splits a presigned URL back into what the upload route hands to verify: the decoded key and the query. */
function parseSigned(url: string): { key: string; query: Record<string, string> } {
  const parsed = new URL(url);
  assert.ok(parsed.pathname.startsWith(LOCAL_UPLOAD_PATH), parsed.pathname);
  const key = parsed.pathname.slice(LOCAL_UPLOAD_PATH.length).split('/').map(decodeURIComponent).join('/');
  return { key, query: Object.fromEntries(parsed.searchParams) };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('LocalDiskStore presigned URLs', () => {
  const store = new LocalDiskStore('/nonexistent', PUBLIC_URL, SECRET, () => T0);

  test('presignPut gives a URL under /cloud/uploads/ for the key', async () => {
    const url = await store.presignPut(KEY, { expiresInSeconds: 900, maxBytes: 1000 });
    assert.ok(url.startsWith(`${PUBLIC_URL}/cloud/uploads/`), url);
    const { key, query } = parseSigned(url);
    assert.equal(key, KEY);
    assert.equal(query.expires, String(T0 / 1000 + 900));
    assert.equal(query.max, '1000');
    assert.ok(query.sig);
  });

  test('verify accepts the URL it signed', async () => {
    const { key, query } = parseSigned(await store.presignPut(KEY, { expiresInSeconds: 900, maxBytes: 1000 }));
    assert.deepEqual(store.verify('PUT', key, query), { method: 'PUT', key: KEY, expires: T0 / 1000 + 900, maxBytes: 1000 });
  });

  test('verify accepts a presigned GET for GET only', async () => {
    const { key, query } = parseSigned(await store.presignGet(KEY, { expiresInSeconds: 60 }));
    assert.equal(store.verify('GET', key, query).method, 'GET');
    assert.throws(() => store.verify('PUT', key, query), hasCode('UPLOAD_URL_SIGNATURE_INVALID'));
  });

  test('verify rejects the signature for a different key', async () => {
    const { query } = parseSigned(await store.presignPut(KEY, { expiresInSeconds: 900, maxBytes: 1000 }));
    assert.throws(() => store.verify('PUT', 'cabc123/other.nessus', query), hasCode('UPLOAD_URL_SIGNATURE_INVALID'));
    assert.throws(() => store.verify('PUT', 'cother/Scan Report (1).nessus', query), hasCode('UPLOAD_URL_SIGNATURE_INVALID'));
  });

  test('verify rejects a different method', async () => {
    const { key, query } = parseSigned(await store.presignPut(KEY, { expiresInSeconds: 900, maxBytes: 1000 }));
    for (const method of ['GET', 'POST', 'put']) {
      assert.throws(() => store.verify(method, key, query), hasCode('UPLOAD_URL_SIGNATURE_INVALID'), method);
    }
  });

  test('verify rejects a changed size limit or expiry', async () => {
    const { key, query } = parseSigned(await store.presignPut(KEY, { expiresInSeconds: 900, maxBytes: 1000 }));
    assert.throws(() => store.verify('PUT', key, { ...query, max: '1000000' }), hasCode('UPLOAD_URL_SIGNATURE_INVALID'));
    assert.throws(() => store.verify('PUT', key, { ...query, expires: String(Number(query.expires) + 3600) }), hasCode('UPLOAD_URL_SIGNATURE_INVALID'));
  });

  test('verify rejects a wrong signature', async () => {
    const { key, query } = parseSigned(await store.presignPut(KEY, { expiresInSeconds: 900, maxBytes: 1000 }));
    const sig = query.sig!;
    const flipped = sig.slice(0, -1) + (sig.at(-1) === 'A' ? 'B' : 'A');
    assert.throws(() => store.verify('PUT', key, { ...query, sig: flipped }), hasCode('UPLOAD_URL_SIGNATURE_INVALID'));
    assert.throws(() => store.verify('PUT', key, { ...query, sig: 'short' }), hasCode('UPLOAD_URL_SIGNATURE_INVALID'));
  });

  test('verify rejects a URL signed with another secret', async () => {
    const other = new LocalDiskStore('/nonexistent', PUBLIC_URL, 'other-secret', () => T0);
    const { key, query } = parseSigned(await other.presignPut(KEY, { expiresInSeconds: 900, maxBytes: 1000 }));
    assert.throws(() => store.verify('PUT', key, query), hasCode('UPLOAD_URL_SIGNATURE_INVALID'));
  });

  test('verify rejects an expired URL, and accepts it up to its expiry second', async () => {
    const { key, query } = parseSigned(await store.presignPut(KEY, { expiresInSeconds: 900, maxBytes: 1000 }));
    const at = (ms: number) => new LocalDiskStore('/nonexistent', PUBLIC_URL, SECRET, () => ms);
    assert.equal(at(T0 + 900_000).verify('PUT', key, query).key, KEY);
    assert.throws(() => at(T0 + 900_001).verify('PUT', key, query), hasCode('UPLOAD_URL_EXPIRED'));
  });

  test('verify rejects missing parameters as UPLOAD_URL_INVALID', async () => {
    const { key, query } = parseSigned(await store.presignPut(KEY, { expiresInSeconds: 900, maxBytes: 1000 }));
    const { sig: _sig, ...noSig } = query;
    const { expires: _expires, ...noExpires } = query;
    assert.throws(() => store.verify('PUT', key, noSig), hasCode('UPLOAD_URL_INVALID'));
    assert.throws(() => store.verify('PUT', key, noExpires), hasCode('UPLOAD_URL_INVALID'));
    assert.throws(() => store.verify('PUT', key, {}), hasCode('UPLOAD_URL_INVALID'));
    assert.throws(() => store.verify('PUT', key, { ...query, expires: 'soon' }), hasCode('UPLOAD_URL_INVALID'));
  });

  test('verify rejects unsafe keys as UPLOAD_URL_INVALID', async () => {
    const { query } = parseSigned(await store.presignPut(KEY, { expiresInSeconds: 900, maxBytes: 1000 }));
    for (const key of ['../etc/passwd', 'cabc123/..', 'cabc123/../../x']) {
      assert.throws(() => store.verify('PUT', key, query), hasCode('UPLOAD_URL_INVALID'), key);
    }
  });
});

describe('LocalDiskStore objects', () => {
  let root: string;
  let store: LocalDiskStore;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'intake-store-test-'));
    store = new LocalDiskStore(root, PUBLIC_URL, SECRET);
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('put stores the bytes of a stream, and get reads them back', async () => {
    const chunks = [Buffer.from('<?xml version="1.0"?>'), Buffer.from('<NessusClientData_v2/>'), Buffer.alloc(100_000, 0x61)];
    const info = await store.put('cput/scan.nessus', Readable.from(chunks));
    const expected = Buffer.concat(chunks);
    assert.deepEqual(info, { size: expected.length });
    assert.deepEqual(await readAll(await store.get('cput/scan.nessus')), expected);
  });

  test('put replaces an existing object', async () => {
    await store.put('creplace/a.txt', Readable.from([Buffer.from('first version')]));
    await store.put('creplace/a.txt', Readable.from([Buffer.from('v2')]));
    assert.equal((await readAll(await store.get('creplace/a.txt'))).toString(), 'v2');
    assert.deepEqual(await store.head('creplace/a.txt'), { size: 2 });
  });

  test('put accepts a body of exactly maxBytes', async () => {
    assert.deepEqual(await store.put('cexact/a.bin', Readable.from([Buffer.alloc(10)]), { maxBytes: 10 }), { size: 10 });
  });

  test('head gives the size, or null when absent', async () => {
    await store.put('chead/a.bin', Readable.from([Buffer.alloc(1234)]));
    assert.deepEqual(await store.head('chead/a.bin'), { size: 1234 });
    assert.equal(await store.head('chead/missing.bin'), null);
    assert.equal(await store.head('cnowhere/missing.bin'), null);
  });

  test('head of a directory is null', async () => {
    await mkdir(join(root, 'cdir', 'sub'), { recursive: true });
    assert.equal(await store.head('cdir/sub'), null);
  });

  test('put past maxBytes fails with OBJECT_TOO_LARGE and stores no object', async () => {
    const body = Readable.from([Buffer.alloc(600), Buffer.alloc(600), Buffer.alloc(600)]);
    await assert.rejects(store.put('clarge/big.bin', body, { maxBytes: 1000 }), hasCode('OBJECT_TOO_LARGE'));
    assert.equal(await store.head('clarge/big.bin'), null);
    await assert.rejects(store.get('clarge/big.bin'), hasCode('OBJECT_NOT_FOUND'));
  });

  test('put whose first chunk is over maxBytes fails with OBJECT_TOO_LARGE and stores no object', async () => {
    await assert.rejects(store.put('cfirst/big.bin', Readable.from([Buffer.alloc(5000)]), { maxBytes: 10 }), hasCode('OBJECT_TOO_LARGE'));
    assert.equal(await store.head('cfirst/big.bin'), null);
  });

  test('a too-large put does not harm the object already stored under the key', async () => {
    await store.put('ckeep/a.bin', Readable.from([Buffer.from('original')]));
    await assert.rejects(store.put('ckeep/a.bin', Readable.from([Buffer.alloc(100)]), { maxBytes: 50 }), hasCode('OBJECT_TOO_LARGE'));
    assert.equal((await readAll(await store.get('ckeep/a.bin'))).toString(), 'original');
    assert.deepEqual(await store.head('ckeep/a.bin'), { size: 8 });
  });

  test('get of a missing key fails with OBJECT_NOT_FOUND', async () => {
    await assert.rejects(store.get('cmissing/none.bin'), hasCode('OBJECT_NOT_FOUND'));
  });

  test('delete removes an object, and deleting a missing one is fine', async () => {
    await store.put('cdelete/a.bin', Readable.from([Buffer.from('x')]));
    await store.delete('cdelete/a.bin');
    assert.equal(await store.head('cdelete/a.bin'), null);
    await store.delete('cdelete/a.bin');
  });

  test('delete removes the folder its object leaves empty, and only such a folder', async () => {
    await store.put('cfolder/a.bin', Readable.from([Buffer.from('a')]));
    await store.put('cfolder/b.bin', Readable.from([Buffer.from('b')]));
    await store.delete('cfolder/a.bin');
    assert.deepEqual(await readdir(join(root, 'cfolder')), ['b.bin'], 'the folder still holding b.bin stays');
    await store.delete('cfolder/b.bin');
    assert.equal((await readdir(root)).includes('cfolder'), false, 'the emptied folder went');
    await store.delete('cfolder/b.bin');
    assert.ok((await readdir(join(root, '..'))).includes(root.split('/').pop()!), 'the store root itself stays');
    await store.put('cfolder/b.bin', Readable.from([Buffer.from('again')]));
    assert.equal((await readAll(await store.get('cfolder/b.bin'))).toString(), 'again', 'the next put makes the folder again');
  });

  test('keys with .. are rejected and nothing is written outside the root', async () => {
    for (const key of ['../escape.bin', 'cx/..', '..\\escape.bin', '/tmp/escape.bin']) {
      await assert.rejects(store.put(key, Readable.from([Buffer.from('x')])), hasCode('OBJECT_KEY_INVALID'), key);
      await assert.rejects(store.delete(key), hasCode('OBJECT_KEY_INVALID'), key);
      await assert.rejects(store.get(key), (error: unknown) => error instanceof AppError, key);
      assert.equal(await store.head(key), null, key);
    }
    const parentEntries = await readdir(join(root, '..'));
    assert.ok(!parentEntries.includes('escape.bin'));
  });
});

test('puts refused for size never leave a temporary file behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'intake-store-race-'));
  try {
    const store = new LocalDiskStore(dir, 'http://127.0.0.1:1', 'secret');
    for (let i = 0; i < 300; i++) {
      await assert.rejects(store.put(`k${i}/big.bin`, Readable.from([Buffer.alloc(64, 1)]), { maxBytes: 10 }), { code: 'OBJECT_TOO_LARGE' });
    }
    const left: string[] = [];
    for (const sub of await readdir(dir)) left.push(...(await readdir(join(dir, sub))));
    assert.deepEqual(left, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a GET URL signed "as of" a past time expires then, however often it is made again', async () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const store = new LocalDiskStore('/nonexistent', 'http://127.0.0.1:1', 'secret', () => now);
  const url = new URL(await store.presignGet('cabc/report.csv', { expiresInSeconds: 60, signedAt: new Date(now - 120_000) }));
  assert.equal(Number(url.searchParams.get('expires')), (now - 120_000) / 1000 + 60);
  assert.throws(() => store.verify('GET', 'cabc/report.csv', Object.fromEntries(url.searchParams)), { code: 'UPLOAD_URL_EXPIRED' });
  const fresh = new URL(await store.presignGet('cabc/report.csv', { expiresInSeconds: 60, signedAt: new Date(now - 30_000) }));
  assert.equal(store.verify('GET', 'cabc/report.csv', Object.fromEntries(fresh.searchParams)).key, 'cabc/report.csv');
});

describe('LocalDiskStore temporary files of abandoned uploads', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'intake-parts-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('removeAbandonedParts deletes only .part files idle for longer than asked, at any depth', async () => {
    const store = new LocalDiskStore(root, PUBLIC_URL, SECRET, () => T0 + 2 * 3600_000);
    await store.put('t1/kept.nessus', Readable.from([Buffer.from('object')]));
    const oldPart = join(root, 't1', 'deep', 'scan.nessus.0000.part');
    const freshPart = join(root, 't1', 'scan.nessus.1111.part');
    await mkdir(join(root, 't1', 'deep'), { recursive: true });
    await writeFile(oldPart, 'cut off');
    await writeFile(freshPart, 'still arriving');
    await utimes(oldPart, new Date(T0), new Date(T0));
    await utimes(freshPart, new Date(T0 + 2 * 3600_000 - 60_000), new Date(T0 + 2 * 3600_000 - 60_000));
    assert.equal(await store.removeAbandonedParts(3600_000), 1);
    assert.deepEqual((await readdir(join(root, 't1'), { recursive: true })).sort(), ['deep', 'kept.nessus', 'scan.nessus.1111.part']);
    assert.equal(await new LocalDiskStore(join(root, 'missing'), PUBLIC_URL, SECRET).removeAbandonedParts(0), 0, 'no directory yet: nothing to do');
  });
});
