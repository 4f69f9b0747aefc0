/**
 * Command-line parsing on node:util parseArgs (strict: unknown options are usage errors), with the
 * options every command has (`--help`/`-h`, `--json`) and checks for the values commands take.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

export interface ParsedCommandLine {
  /** String options as given (undefined when absent); boolean options true when present. */
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
  json: boolean;
}

export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

export function parseCommandLine(command: string, args: string[], options: Record<string, OptionSpec>): ParsedCommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs explains well ("Unknown option '--x'", "Option '--client <value>' argument missing").
    throw new UsageError((error as Error).message, command);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  return { values, positionals: parsed.positionals, help: values.help === true, json: values.json === true };
}

/** A string option's value, or a usage error naming it when it is required and absent. */
export function stringOption(command: string, parsed: ParsedCommandLine, name: string, required: true): string;
export function stringOption(command: string, parsed: ParsedCommandLine, name: string, required?: false): string | undefined;
export function stringOption(command: string, parsed: ParsedCommandLine, name: string, required = false): string | undefined {
  const value = parsed.values[name];
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (value !== undefined) throw new UsageError(`--${name} needs a value`, command);
  if (required) throw new UsageError(`--${name} is required`, command);
  return undefined;
}

/** A positive integer id (clients, reports, tenants). */
export function positiveInteger(command: string, name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${name} must be a positive integer; found "${value}"`, command);
  }
  return Number(value);
}

/** "a, b,,c" → ["a", "b", "c"]; absent → []. */
export function commaList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Exactly `count` positionals, else a usage error saying what was expected and what was found. */
export function expectPositionals(command: string, parsed: ParsedCommandLine, names: string[], options: { rest?: string } = {}): string[] {
  const found = parsed.positionals;
  const tooFew = found.length < names.length;
  const tooMany = !options.rest && found.length > names.length;
  if (tooFew || tooMany) {
    const expected = [...names, ...(options.rest ? [`${options.rest}…`] : [])].join(' ');
    const shown = found.length === 0 ? 'nothing' : found.map((p) => JSON.stringify(p)).join(' ');
    throw new UsageError(`expected ${expected}; found ${shown}`, command);
  }
  return found;
}
