import type { Config } from '../config/config.js';
import { LocalDiskStore } from './local-disk-store.js';
import type { ObjectStore } from './object-store.js';
import { S3Store } from './s3-store.js';

/** Builds the configured store. The local store needs the installation's signing secret. */
export async function createObjectStore(config: Config, signingSecret: string): Promise<ObjectStore> {
  if (config.storage.kind === 'local') return new LocalDiskStore(config.storage.dir, config.publicUrl, signingSecret);
  const store = new S3Store(config.storage);
  await store.ensureBucket();
  return store;
}
