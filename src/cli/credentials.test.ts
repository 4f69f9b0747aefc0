import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsPath, loadCredentials, removeCredentials, saveCredentials, type StoredCredentials } from './credentials.js';

const SAMPLE: StoredCredentials = { url: 'http://127.0.0.1:8080', token: 'secret-token', expiresAt: '2030-01-01T00:00:00.000Z', tenantId: 4, user: 'a@example.com' };

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'intake-cli-credentials-'));
}

test('the path follows XDG_CONFIG_HOME when absolute, else ~/.config', () => {
  assert.equal(credentialsPath({ XDG_CONFIG_HOME: '/x/config', HOME: '/home/a' }), '/x/config/intake/credentials.json');
  assert.equal(credentialsPath({ HOME: '/home/a' }), '/home/a/.config/intake/credentials.json');
  // The XDG spec says relative values are invalid and must be ignored.
  assert.equal(credentialsPath({ XDG_CONFIG_HOME: 'relative', HOME: '/home/a' }), '/home/a/.config/intake/credentials.json');
  assert.equal(credentialsPath({ XDG_CONFIG_HOME: '', HOME: '/home/a' }), '/home/a/.config/intake/credentials.json');
});

test('saved credentials are readable by their owner only (file 0600, new directory 0700) and load back', async () => {
  const dir = await tempDir();
  try {
    const path = credentialsPath({ XDG_CONFIG_HOME: dir });
    await saveCredentials(path, SAMPLE);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'intake'))).mode & 0o777, 0o700);
    assert.deepEqual(await loadCredentials(path), SAMPLE);
    assert.deepEqual(await readdir(join(dir, 'intake')), ['credentials.json'], 'no temporary file is left behind');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('saving over a world-readable file leaves a 0600 file', async () => {
  const dir = await tempDir();
  try {
    const path = join(dir, 'intake', 'credentials.json');
    await mkdir(join(dir, 'intake'));
    await writeFile(path, '{}');
    await chmod(path, 0o644);
    await saveCredentials(path, { ...SAMPLE, token: 'new' });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(JSON.parse(await readFile(path, 'utf8')).token, 'new');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing file is "not logged in"; a damaged one is an error saying what to do', async () => {
  const dir = await tempDir();
  try {
    const path = join(dir, 'credentials.json');
    assert.equal(await loadCredentials(path), null);
    await writeFile(path, 'not json');
    await assert.rejects(loadCredentials(path), /is not valid JSON .*delete it and run `intake login`/);
    await writeFile(path, '{"url": 5}');
    await assert.rejects(loadCredentials(path), /does not hold a url and a token/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('remove says whether there was a file', async () => {
  const dir = await tempDir();
  try {
    const path = join(dir, 'credentials.json');
    await saveCredentials(path, SAMPLE);
    assert.equal(await removeCredentials(path), true);
    assert.equal(await removeCredentials(path), false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
