import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { reclaimClusterDirectory } from './postmaster-pid.js';
import { createLogger } from '../logging.js';

const log = createLogger('silent', 'test');
const exists = (path: string) => stat(path).then(() => true, () => false);

async function withCluster(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'intake-pmpid-'));
  try {
    await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const lockFile = (pid: number, dir: string) => `${pid}\n${dir}\n1700000000\n5432\n`;

test('a lock file naming a dead process is removed', async () => {
  await withCluster(async (dir) => {
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => child.once('exit', resolve));
    await writeFile(join(dir, 'postmaster.pid'), lockFile(child.pid!, dir));
    await reclaimClusterDirectory(dir, log);
    assert.equal(await exists(join(dir, 'postmaster.pid')), false);
  });
});

test('a lock file whose number now belongs to an unrelated process is removed, and that process left alone', { skip: process.platform !== 'linux' }, async () => {
  await withCluster(async (dir) => {
    const unrelated = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(join(dir, 'postmaster.pid'), lockFile(unrelated.pid!, dir));
      await reclaimClusterDirectory(dir, log);
      assert.equal(await exists(join(dir, 'postmaster.pid')), false);
      assert.equal(unrelated.exitCode, null);
      assert.equal(unrelated.signalCode, null);
    } finally {
      unrelated.kill('SIGKILL');
    }
  });
});

test('no lock file: nothing to do', async () => {
  await withCluster(async (dir) => {
    await reclaimClusterDirectory(dir, log);
    assert.equal(await exists(join(dir, 'postmaster.pid')), false);
  });
});
