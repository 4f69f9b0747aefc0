/**
 * The stored body of a bulk request. The api writes it (bulk-import.service.ts) because a job
 * outlives the request that started it: every attempt of the job, a retry after a crash included,
 * reads the objects from it again (run-bulk-import.ts). Once the job is Completed or Failed no
 * attempt can start any more, so nothing reads it again and it is deleted.
 */
import type { Logger } from '../logging.js';
import type { ObjectStore } from '../storage/object-store.js';
import { AppError } from '../errors/app-error.js';

/** The object key of a bulk request's body. */
export function requestKeyOf(importId: string): string {
  return `b${importId.replace(/-/g, '')}/request.json`;
}

export async function readRequest(store: ObjectStore, key: string): Promise<unknown[]> {
  // The body was checked and size-limited by the api (INTAKE_BULK_MAX_BYTES): reading it whole is bounded.
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  if (!Array.isArray(body)) throw new AppError('BULK_BODY_INVALID', 'the stored request is not a JSON array');
  return body;
}

/**
 * Deletes the body of a job whose final state is committed. Call it only after that commit: until
 * then a retry may still need it. The job's outcome is already decided, so a delete that fails only
 * leaves the object behind: it is logged, never thrown.
 */
export async function deleteRequest(store: ObjectStore, key: string, log: Logger, importId: string): Promise<void> {
  try {
    await store.delete(key);
  } catch (error) {
    log.warn({ importId, key, err: error }, 'could not delete the stored bulk request; the object stays in storage');
  }
}
