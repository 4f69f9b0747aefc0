/**
 * Domain errors carry a stable machine-readable code; only the HTTP layer maps codes to statuses
 * (src/http/error-table.ts). Wrap lower-level failures with `cause`.
 */
export class AppError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
  }
}
