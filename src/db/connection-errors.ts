/**
 * Tells errors that mean "PostgreSQL cannot be reached right now" (down, restarting, refusing
 * connections, connection cut) from every other database error. The HTTP layer answers those with
 * 503 and the processes keep running: the database coming back is the cure, not a restart of Intake.
 */

/** SQLSTATEs of a server that is shutting down, starting up, or out of connection slots. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors on the way to the server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** What node-postgres says when a connection ends or cannot be had in time. */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /not queryable/,
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** True when the error (or what it wraps) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return someInChain(error, (e) => {
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNAVAILABLE_STATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code)) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    return DRIVER_MESSAGES.some((pattern) => pattern.test(message));
  });
}

/**
 * True when a statement ran out of time: the server cancelled it (statement_timeout, or an
 * operator's cancel), or the client stopped waiting for an answer (query_timeout).
 */
export function isDatabaseTimeout(error: unknown): boolean {
  return someInChain(error, (e) => e.code === '57014' || e.message === 'Query read timeout');
}

/** Looks at the error, its `cause` chain and an AggregateError's members (a few levels at most). */
function someInChain(error: unknown, test: (e: ErrorLike) => boolean, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const e = error as ErrorLike;
  if (test(e)) return true;
  if (Array.isArray(e.errors) && e.errors.some((member) => someInChain(member, test, depth + 1))) return true;
  return someInChain(e.cause, test, depth + 1);
}
