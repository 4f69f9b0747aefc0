#!/usr/bin/env node
/** `intake serve` (api, plus worker children in embedded mode) and `intake worker`. */
import { ConfigError } from '../config/config.js';
import { serve } from './api.js';
import { work } from './worker.js';

const commands: Record<string, () => Promise<void>> = { serve, worker: work };
const name = process.argv[2] ?? 'serve';
const command = commands[name];
if (!command) {
  process.stderr.write(`usage: intake <serve|worker>\n  unknown command "${name}"\n`);
  process.exit(2);
}
command().catch((error) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`intake ${name} failed to start: ${error?.stack ?? error}\n${error?.cause ? `caused by: ${error.cause?.stack ?? error.cause}\n` : ''}`);
  process.exit(1);
});
