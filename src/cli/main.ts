/**
 * Runs one client command (`intake login|logout|import|imports|bulk|app-import`) and turns every
 * outcome into an exit code: 0 ok, 1 failure, 2 usage error, 130 interrupted. Errors are printed
 * as one sentence on stderr (with `--json`, also as `{status: "error", …}` on stdout).
 */
import { readFile } from 'node:fs/promises';
import type { Command, CommandContext } from './command.js';
import { printJson } from './command.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { ApiError } from './http-client.js';
import { processTerminal } from './terminal.js';
import { loginCommand } from './login.command.js';
import { logoutCommand } from './logout.command.js';
import { importCommand } from './import.command.js';
import { importsCommand } from './imports.command.js';
import { bulkCommand } from './bulk.command.js';
import { appImportCommand } from './app-import.command.js';

export const COMMANDS: Command[] = [loginCommand, logoutCommand, importCommand, importsCommand, bulkCommand, appImportCommand];

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const clientLines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: intake <command> [options]

Intake imports security findings and bulk data. The client commands talk to an Intake server
over its HTTP API; the server commands run one.

Client commands:
${clientLines}

Server commands:
  ${'serve'.padEnd(width)}  run the API (and, in embedded mode, its database and workers); the default
  ${'worker'.padEnd(width)}  run a worker that processes queued imports
  ${'migrate'.padEnd(width)}  apply the database migrations to DATABASE_URL and exit
  ${'tenant'.padEnd(width)}  tenant create --name N --admin-email E: create a tenant and its admin

Every client command takes --help (usage and examples) and --json (machine-readable output).
Progress bars and colour appear only when stderr is a terminal and NO_COLOR is unset.
Exit status: 0 success, 1 failure (refused, import ERROR, job Failed), 2 bad command line.

Environment:
  INTAKE_URL, INTAKE_TOKEN   server and token (a session token or a pa_… API token); they
                             override the login stored by intake login
  INTAKE_PASSWORD, INTAKE_MFA_CODE, INTAKE_USER   answers for intake login without a terminal
  XDG_CONFIG_HOME            where the login is stored (default ~/.config/intake/credentials.json)

Examples:
  intake login --url https://intake.example.com --user alice@example.com
  intake import scan.nessus --client 3 --report 12 --wait
  intake imports
  intake bulk clients clients.json --wait --report clients-report.csv
  intake app-import <application id> <file group GUID>=employees.csv --wait

Run "intake <command> --help" for a command's options.`;
}

export async function runClientCommand(argv: string[], overrides: Partial<CommandContext> = {}): Promise<number> {
  const context: CommandContext = {
    terminal: overrides.terminal ?? processTerminal(),
    now: overrides.now ?? (() => new Date()),
    sleep: overrides.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  const { terminal } = context;
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    terminal.stdout.write(`${globalHelp()}\n`);
    return EXIT_OK;
  }
  if (name === '--version') {
    terminal.stdout.write(`${await version()}\n`);
    return EXIT_OK;
  }
  if (name === 'help') return runClientCommand([rest[0]!, '--help'], context);
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    terminal.stderr.write(`intake: unknown command "${name}"\nRun "intake --help" for the commands.\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, context);
  } catch (error) {
    return report(context, command.name, error, rest.includes('--json'));
  }
}

function report(context: CommandContext, name: string, error: unknown, json: boolean): number {
  const { terminal } = context;
  if (error instanceof UsageError) {
    terminal.stderr.write(`intake ${name}: ${error.message}\nRun "intake ${error.command ?? name} --help" for usage.\n`);
    return EXIT_USAGE;
  }
  if (error instanceof CliError) {
    if (json) {
      const api = error instanceof ApiError ? { httpStatus: error.status, code: error.code } : {};
      printJson(terminal, { status: 'error', message: error.message, ...api });
    }
    terminal.stderr.write(`intake ${name}: ${terminal.paintErr('red', 'error')}: ${error.message}\n`);
    return error.exitCode;
  }
  // Not an expected failure: a bug. Show everything that helps to report it.
  terminal.stderr.write(`intake ${name}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT_FAILURE;
}

async function version(): Promise<string> {
  // dist/src/cli/main.js → the package's package.json
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
