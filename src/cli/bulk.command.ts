/**
 * `intake bulk OBJECTS FILE.json`: spec 4 — POST the JSON array to
 * /api/v1/idm/{tenantId}/{objects}/import; with `--wait` follow the request with a progress bar,
 * download the per-object CSV report and print the summary. Exit 1 only if the job Failed
 * (objects refused one by one are in the report, not a failure of the command).
 */
import { readFile, rename, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolve } from 'node:path';
import type { Command, CommandContext } from './command.js';
import { printHelp, printJson } from './command.js';
import { expectPositionals, parseCommandLine, stringOption } from './args.js';
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import { apiErrorOf, send, type IntakeClient } from './http-client.js';
import { openSession } from './session.js';
import { ProgressBar } from './progress-bar.js';
import { StatusLines, interruptible, pollUntilDone } from './wait.js';

const NAME = 'bulk';

export interface BulkStatus {
  requestId: string;
  status: 'Pending' | 'InProgress' | 'Completed' | 'Failed';
  progress?: { total: number; processed: number };
  result?: { summary: { total: number; created: number; failed: number }; reportUrl: string };
  error?: string;
}

export const bulkCommand: Command = {
  name: NAME,
  summary: 'create up to 1000 clients, assets, findings or users from a JSON file',
  help: `Usage: intake bulk OBJECTS FILE.json [--wait] [--report FILE.csv] [--idempotency-key KEY] [--json]

Queues a bulk import of the JSON array in FILE.json (1 to 1000 objects) as OBJECTS — clients,
assets, findings or users (POST /api/v1/idm/{tenantId}/{OBJECTS}/import). Valid objects are
created, invalid ones are reported one by one in a CSV report.

Options:
  --wait                 follow the job to its end, download the CSV report and print the summary
  --report FILE.csv      where --wait saves the report (default: <requestId>.csv here)
  --idempotency-key KEY  retrying with the same key and file returns the first job, not a second
  --json                 print {requestId} (with --wait: the final status, plus reportFile) as JSON
  -h, --help             show this help

Exit status: 0 queued (or, with --wait, Completed — even when some objects failed; see the
report); 1 refused or Failed; 2 bad command line.

Examples:
  intake bulk clients clients.json --wait
  intake bulk findings findings.json --wait --report findings-report.csv --json`,

  async run(args, context) {
    const parsed = parseCommandLine(NAME, args, { wait: { type: 'boolean' }, report: { type: 'string' }, 'idempotency-key': { type: 'string' } });
    const { terminal } = context;
    if (parsed.help) return printHelp(terminal, this.help);
    const [objects, file] = expectPositionals(NAME, parsed, ['OBJECTS', 'FILE.json']);
    if (!/^[A-Za-z][A-Za-z_-]{0,63}$/.test(objects!)) throw new UsageError(`OBJECTS must be a kind such as clients, assets, findings or users; found "${objects}"`, NAME);
    const reportPath = stringOption(NAME, parsed, 'report');
    if (reportPath && !parsed.values.wait) throw new UsageError('--report needs --wait (the report exists once the job has ended)', NAME);
    const idempotencyKey = stringOption(NAME, parsed, 'idempotency-key');
    const body = await readJsonArray(file!);

    const session = await openSession(terminal.env);
    const tenantId = await session.tenantId();
    const { requestId } = await session.client.json<{ requestId: string }>('POST', `/api/v1/idm/${tenantId}/${encodeURIComponent(objects!.toLowerCase())}/import`, {
      body: body.text,
      headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      timeoutMs: 0,
    });
    if (!parsed.values.wait) {
      if (parsed.json) printJson(terminal, { requestId });
      else terminal.stdout.write(`Bulk import ${requestId} queued (${body.count} ${objects}). Follow it with: intake bulk … --wait, or GET /api/v1/request/${requestId}\n`);
      return EXIT_OK;
    }

    const final = await followRequest(session.client, context, requestId, body.count);
    if (final.status === 'Failed') {
      if (parsed.json) printJson(terminal, final);
      terminal.stderr.write(`${terminal.paintErr('red', 'Bulk import failed')}: ${final.error ?? 'the server gave no reason'}\n`);
      return EXIT_FAILURE;
    }
    const target = resolve(reportPath ?? `${requestId}.csv`);
    await download(new URL(final.result!.reportUrl, session.client.baseUrl).toString(), target);
    if (parsed.json) printJson(terminal, { ...final, reportFile: target });
    else {
      const { total, created, failed } = final.result!.summary;
      const failedText = failed > 0 ? terminal.paint('red', `${failed} failed`) : '0 failed';
      terminal.stdout.write(`${terminal.paint('green', 'Completed')}: ${total} ${objects} — ${created} created, ${failedText}.\nReport: ${target}\n`);
    }
    return EXIT_OK;
  },
};

async function readJsonArray(path: string): Promise<{ text: string; count: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, NAME);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`, NAME);
  }
  if (!Array.isArray(value)) throw new UsageError(`${path} must hold a JSON array of objects; found ${value === null ? 'null' : typeof value}`, NAME);
  return { text, count: value.length };
}

/** Polls GET /api/v1/request/{id} with a progress bar over the objects processed. */
async function followRequest(client: IntakeClient, context: CommandContext, requestId: string, count: number): Promise<BulkStatus> {
  const { terminal } = context;
  const bar = new ProgressBar({ stream: terminal.stderr, enabled: terminal.progress, label: `Importing ${count} objects`, total: count, animate: true });
  const lines = new StatusLines(terminal, requestId);
  return interruptible(
    terminal,
    () => `stopped waiting; ${requestId} goes on on the server (GET /api/v1/request/${requestId})`,
    () => bar.finish(),
    async () => {
      try {
        // The server asks for Retry-After: 5; jobs of at most 1000 objects are short, so the CLI
        // polls once a second at most to keep its progress bar alive.
        return await pollUntilDone({
          fetch: () => client.json<BulkStatus>('GET', `/api/v1/request/${encodeURIComponent(requestId)}`),
          isDone: (status) => status.status === 'Completed' || status.status === 'Failed',
          sleep: context.sleep,
          onUpdate: (status) => {
            lines.report(status.status);
            const done = status.status === 'Completed' ? count : (status.progress?.processed ?? 0);
            bar.update({ done, total: status.progress?.total ?? count, detail: status.status });
          },
        });
      } finally {
        bar.finish();
      }
    },
  );
}

/** Streams the presigned report URL to `target` (through a temporary file, so no half report is left). */
async function download(url: string, target: string): Promise<void> {
  const response = await send(url, { method: 'GET' }, 60_000);
  if (!response.ok || !response.body) {
    const text = await response.text();
    throw new CliError(`could not download the report: ${apiErrorOf('GET', 'the report URL', response.status, undefined, text).message}`);
  }
  const partial = `${target}.part`;
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(partial));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw new CliError(`could not save the report to ${target}: ${(error as Error).message}`, { cause: error });
  }
}
