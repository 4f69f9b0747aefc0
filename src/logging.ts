/** One pino logger per process; everything else takes a Logger, never creates one. */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export function createLogger(level: string, name: string): Logger {
  return pino({ level, name });
}
