/** `intake logout`: forgets the stored login (the session token simply runs out on the server). */
import type { Command } from './command.js';
import { printHelp, printJson } from './command.js';
import { expectPositionals, parseCommandLine } from './args.js';
import { EXIT_OK } from './errors.js';
import { credentialsPath, removeCredentials } from './credentials.js';

const NAME = 'logout';

export const logoutCommand: Command = {
  name: NAME,
  summary: 'forget the stored login',
  help: `Usage: intake logout [--json]

Deletes the credentials file that intake login wrote. INTAKE_URL and INTAKE_TOKEN, when set in
the environment, are not affected.

Options:
  --json       print {status, removed, credentials} as JSON
  -h, --help   show this help

Example:
  intake logout`,

  async run(args, { terminal }) {
    const parsed = parseCommandLine(NAME, args, {});
    if (parsed.help) return printHelp(terminal, this.help);
    expectPositionals(NAME, parsed, []);
    const path = credentialsPath(terminal.env);
    const removed = await removeCredentials(path);
    if (parsed.json) printJson(terminal, { status: 'success', removed, credentials: path });
    else terminal.stdout.write(removed ? `Logged out (removed ${path}).\n` : 'Not logged in; nothing to remove.\n');
    return EXIT_OK;
  },
};
