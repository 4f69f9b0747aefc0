/**
 * `intake app-import APPLICATION_ID GROUP_ID=FILE…`: spec 3 — one multipart upload with a file per
 * connector file group (streamed from disk as Blobs), spec 3's validation errors listed one per
 * line when the upload is refused, and with `--wait` the build followed to Finished, Failed or
 * Canceled (metrics printed; the build log on failure).
 */
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command, CommandContext } from './command.js';
import { printHelp, printJson } from './command.js';
import { expectPositionals, parseCommandLine } from './args.js';
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import { ApiError, type IntakeClient } from './http-client.js';
import { openSession } from './session.js';
import { ProgressBar } from './progress-bar.js';
import { StatusLines, interruptible, pollUntilDone } from './wait.js';
import { formatBytes } from './format.js';
import type { Terminal } from './terminal.js';

const NAME = 'app-import';
const ENDED = ['Finished', 'Failed', 'Canceled'];

export interface ApplicationImport {
  id: string;
  number: number;
  status: string;
  log: string | null;
  files: { fileGroupId: string; fileGroup: string; name: string }[];
  metrics: Record<string, number> | null;
}

interface Spec3Error {
  error?: string;
  message?: string;
  correlationId?: string;
  errors?: { field: string; message: string }[];
}

export const appImportCommand: Command = {
  name: NAME,
  summary: "upload an application's connector files (access review CSVs)",
  help: `Usage: intake app-import APPLICATION_ID GROUP_ID=FILE [GROUP_ID=FILE…] [--wait] [--json]

Uploads one file per connector file group of the application in one multipart request
(POST /api/application-imports/upload); the files are streamed from disk. A refused upload
lists every problem the server found. With --wait, follows the build until Finished, Failed or
Canceled and prints its metrics (and its log when it did not finish).

Arguments:
  APPLICATION_ID   the application's id (POST /api/applications answers it)
  GROUP_ID=FILE    a file group's GUID (GET /api/connectors lists them) and the file for it

Options:
  --wait       wait for the build to end; exit 1 if it Failed or was Canceled
  --json       print the application import object (the final one with --wait) as JSON;
               a refused upload prints spec 3's error body
  -h, --help   show this help

Examples:
  intake app-import 7f9c…e1 a1b2c3d4-0000-0000-0000-000000000001=employees.csv --wait
  intake app-import 7f9c…e1 \\
      a1b2c3d4-0000-0000-0000-000000000001=employees.csv \\
      a1b2c3d4-0000-0000-0000-000000000002=privileges.csv --wait --json`,

  async run(args, context) {
    const parsed = parseCommandLine(NAME, args, { wait: { type: 'boolean' } });
    const { terminal } = context;
    if (parsed.help) return printHelp(terminal, this.help);
    const [applicationId, ...pairs] = expectPositionals(NAME, parsed, ['APPLICATION_ID', 'GROUP_ID=FILE'], { rest: 'GROUP_ID=FILE' });
    const files = await Promise.all(parseFilePairs(pairs).map(openFile));

    const { client } = await openSession(terminal.env);
    const form = new FormData();
    form.append('applicationId', applicationId!);
    for (const file of files) form.append(file.group, file.blob, file.name);
    const total = files.reduce((sum, f) => sum + f.size, 0);
    const bar = new ProgressBar({ stream: terminal.stderr, enabled: terminal.progress, label: `Uploading ${files.length} file${files.length === 1 ? '' : 's'} (${formatBytes(total)})`, animate: true });
    bar.update({});
    let created: ApplicationImport;
    try {
      created = await client.json<ApplicationImport>('POST', '/api/application-imports/upload', { body: form, timeoutMs: 0 });
    } catch (error) {
      bar.finish();
      if (error instanceof ApiError && error.status === 400) return refused(terminal, error.body as Spec3Error, parsed.json);
      throw error;
    }
    bar.finish();

    if (!parsed.values.wait) {
      if (parsed.json) printJson(terminal, created);
      else terminal.stdout.write(`Application import #${created.number} (${created.id}) queued: ${created.status}\n`);
      return EXIT_OK;
    }
    const final = await followBuild(client, context, created);
    if (parsed.json) printJson(terminal, final);
    else terminal.stdout.write(`${terminal.paint(final.status === 'Finished' ? 'green' : 'red', final.status)}: application import #${final.number} (${final.id})\n${metricsText(final.metrics)}`);
    if (final.status === 'Finished') {
      // Rejected rows do not fail a build, but the log is the only place that says which and why.
      const rejected = Number(final.metrics?.rowsRejected ?? 0);
      if (rejected > 0 && final.log) terminal.stderr.write(`${rejected} row${rejected === 1 ? ' was' : 's were'} rejected; the build log:\n${indent(final.log)}\n`);
      return EXIT_OK;
    }
    terminal.stderr.write(`${terminal.paintErr('red', `The build ${final.status === 'Canceled' ? 'was canceled' : 'failed'}`)}${final.log ? `; its log:\n${indent(final.log)}` : ' (no log)'}\n`);
    return EXIT_FAILURE;
  },
};

interface FileArgument {
  group: string;
  path: string;
}

/** "GUID=path" → {group, path}; the first "=" separates them (paths may contain "="). */
export function parseFilePairs(pairs: string[]): FileArgument[] {
  const seen = new Set<string>();
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`expected GROUP_ID=FILE (a file group GUID, "=", a file); found "${pair}"`, NAME);
    const group = pair.slice(0, at).trim();
    if (seen.has(group.toLowerCase())) throw new UsageError(`file group ${group} is given twice; send one file per group`, NAME);
    seen.add(group.toLowerCase());
    return { group, path: pair.slice(at + 1) };
  });
}

async function openFile(file: FileArgument): Promise<FileArgument & { blob: Blob; name: string; size: number }> {
  try {
    const info = await stat(file.path);
    if (!info.isFile()) throw new UsageError(`${file.path} is not a regular file`, NAME);
    // openAsBlob reads the file when the request body is sent: nothing is loaded up front.
    return { ...file, blob: await openAsBlob(file.path, { type: 'text/csv' }), name: basename(file.path), size: info.size };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new UsageError(`cannot read ${file.path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, NAME);
  }
}

function refused(terminal: Terminal, body: Spec3Error | undefined, json: boolean): number {
  if (json && body) printJson(terminal, body);
  const lines = [`${terminal.paintErr('red', 'The upload was refused')}: ${body?.message ?? 'the server gave no reason'}`];
  for (const e of body?.errors ?? []) lines.push(`  - ${e.field}: ${e.message}`);
  if (body?.correlationId) lines.push(`(correlation id ${body.correlationId})`);
  terminal.stderr.write(`${lines.join('\n')}\n`);
  return EXIT_FAILURE;
}

async function followBuild(client: IntakeClient, context: CommandContext, created: ApplicationImport): Promise<ApplicationImport> {
  const { terminal } = context;
  const bar = new ProgressBar({ stream: terminal.stderr, enabled: terminal.progress, label: `Building import #${created.number}`, animate: true });
  const lines = new StatusLines(terminal, `application import ${created.id}`);
  return interruptible(
    terminal,
    () => `stopped waiting; application import ${created.id} goes on on the server (POST /api/application-imports/${created.id}/cancel stops it)`,
    () => bar.finish(),
    async () => {
      try {
        return await pollUntilDone({
          fetch: () => client.json<ApplicationImport>('GET', `/api/application-imports/${encodeURIComponent(created.id)}`),
          isDone: (row) => ENDED.includes(row.status),
          sleep: context.sleep,
          onUpdate: (row) => {
            lines.report(row.status);
            bar.update({ detail: row.status });
          },
        });
      } finally {
        bar.finish();
      }
    },
  );
}

/** The build's metrics, one per line ("durationMs" in ms or s); empty when there are none. */
export function metricsText(metrics: Record<string, unknown> | null): string {
  if (!metrics) return '';
  const entries = Object.entries(metrics);
  const width = Math.max(...entries.map(([name]) => name.length));
  return entries.map(([name, value]) => `  ${name.padEnd(width)}  ${name === 'durationMs' && typeof value === 'number' ? formatMs(value) : String(value)}\n`).join('');
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
