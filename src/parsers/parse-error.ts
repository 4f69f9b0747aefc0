import { AppError } from '../errors/app-error.js';

export interface ParsePosition {
  line?: number;
  column?: number;
  record?: number;
}

/**
 * A file that is not what its source promised (malformed XML, wrong format, hostile input).
 * Deterministic: retrying the import cannot help, so the engine fails it at once.
 */
export class ParseError extends AppError {
  readonly position: ParsePosition;

  constructor(message: string, position: ParsePosition = {}, options: { cause?: unknown } = {}) {
    super('PARSE_ERROR', `${message}${describePosition(position)}`, { cause: options.cause, details: { ...position } });
    this.name = 'ParseError';
    this.position = position;
  }
}

function describePosition(p: ParsePosition): string {
  if (p.line !== undefined) return ` (at line ${p.line}, column ${p.column ?? 0})`;
  if (p.record !== undefined) return ` (at record ${p.record})`;
  return '';
}
