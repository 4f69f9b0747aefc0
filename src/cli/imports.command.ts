/** `intake imports`: your recent scanner file imports (GET /api/v2/my-imports) as a table. */
import type { Command } from './command.js';
import { printHelp, printJson } from './command.js';
import { expectPositionals, parseCommandLine } from './args.js';
import { EXIT_OK } from './errors.js';
import { openSession } from './session.js';
import { formatBytes, renderTable } from './format.js';
import { statusStyle } from './terminal.js';

const NAME = 'imports';

/** Spec 1's my-imports list item. */
export interface MyImport {
  key: string;
  name: string;
  reportName: string;
  clientName: string;
  fileSize: string;
  status: string;
  progress: number;
  errorStatus: string | null;
  source: string;
}

const STATUS_COLUMN = 3;

export const importsCommand: Command = {
  name: NAME,
  summary: 'list your recent scanner file imports',
  help: `Usage: intake imports [--json]

Lists your 100 most recent scanner file imports, newest first (GET /api/v2/my-imports):
key, file, client, report, source, status, progress, size, and the error text of failed ones.

Options:
  --json       print the my-imports array as JSON
  -h, --help   show this help

Examples:
  intake imports
  intake imports --json | jq -r '.[] | select(.status == "ERROR") | .key'`,

  async run(args, { terminal }) {
    const parsed = parseCommandLine(NAME, args, {});
    if (parsed.help) return printHelp(terminal, this.help);
    expectPositionals(NAME, parsed, []);
    const { client } = await openSession(terminal.env);
    const imports = await client.json<MyImport[]>('GET', '/api/v2/my-imports');
    if (parsed.json) printJson(terminal, imports);
    else if (imports.length === 0) terminal.stdout.write('No imports yet. Start one with: intake import FILE --client ID --report ID\n');
    else terminal.stdout.write(`${importsTable(imports, terminal.stdout.isTTY ? terminal.stdout.columns : undefined, terminal.paint)}\n`);
    return EXIT_OK;
  },
};

export function importsTable(imports: MyImport[], maxWidth: number | undefined, paint: (style: ReturnType<typeof statusStyle>, text: string) => string): string {
  return renderTable(
    ['KEY', 'FILE', 'CLIENT / REPORT', 'STATUS', 'PROGRESS', 'SIZE', 'SOURCE', 'ERROR'],
    imports.map((i) => [
      i.key,
      i.name,
      `${i.clientName} / ${i.reportName}`,
      i.status,
      `${i.progress}%`,
      formatBytes(Number(i.fileSize)),
      i.source,
      i.errorStatus ?? '',
    ]),
    { maxWidth, paintCell: (column, value, padded) => (column === STATUS_COLUMN ? paint(statusStyle(value), padded) : padded) },
  );
}
