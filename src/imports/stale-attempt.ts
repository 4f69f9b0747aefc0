/**
 * The fencing token's error: every import attempt bumps `imports.attempt`, and each write of an
 * attempt requires the import to be `running` with that attempt. An attempt that finds otherwise
 * was superseded (the reaper handed its import to another worker, or it was canceled) and stops.
 */
import { AppError } from '../errors/app-error.js';

/** Raised when a newer attempt owns the import: this (zombie) attempt must not write. */
export class StaleAttemptError extends AppError {
  constructor(importId: string, attempt: number) {
    super('IMPORT_ATTEMPT_STALE', `attempt ${attempt} of import ${importId} was superseded by a newer attempt`);
  }
}
