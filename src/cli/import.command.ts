/**
 * `intake import FILE --client ID --report ID`: spec 1's flow — presigned URL, PUT with an upload
 * progress bar, preuploaded-import — and with `--wait` an import progress bar until the import
 * ends. Exit 0 on IMPORT COMPLETE, 1 on ERROR (with the error text).
 */
import { stat } from 'node:fs/promises';
import type { Command, CommandContext } from './command.js';
import { printHelp, printJson } from './command.js';
import { commaList, expectPositionals, parseCommandLine, positiveInteger, stringOption } from './args.js';
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import { ApiError, type IntakeClient } from './http-client.js';
import { openSession } from './session.js';
import { uploadFile } from './upload.js';
import { ProgressBar } from './progress-bar.js';
import { StatusLines, interruptible, pollUntilDone } from './wait.js';
import { statusStyle, type Terminal } from './terminal.js';

const NAME = 'import';

/** Spec 1's importJob, the fields the CLI reads. */
export interface ImportJob {
  id: string;
  source: string;
  original_filename: string;
  client_id: number | null;
  report_id: number | null;
  file_size: string;
  processed_bytes: string;
  processed_findings: number;
  processed_assets: number;
  processed_finding_assets: number;
  processed_evidence: number;
  findings_created: number;
  findings_updated: number;
  findings_unchanged: number;
  status: 'IN QUEUE' | 'PROCESSING' | 'IMPORT COMPLETE' | 'ERROR';
  error_status: string | null;
}

export const importCommand: Command = {
  name: NAME,
  summary: 'upload a scanner file and import it into a report',
  help: `Usage: intake import FILE --client ID --report ID [--source SOURCE] [--tags a,b] [--finding-tags x,y] [--wait] [--json]

Uploads FILE through a presigned URL (streamed from disk, with a progress bar) and queues its
import into the report (POST /api/v2/client/{ID}/report/{ID}/preuploaded-import/{SOURCE}).
With --wait, follows the import until IMPORT COMPLETE or ERROR and prints the counts.

Options:
  --client ID          the client's id (required)
  --report ID          the report's id (required)
  --source SOURCE      nessus, burp, qualys, openvas, owaspzap, nmap, nexpose, acunetix, nuclei,
                       sarif, nikto, offlinecsv… or auto to recognise the file (default: auto)
  --tags a,b           tags to add to the imported assets
  --finding-tags x,y   tags to add to the imported findings
  --parser-actions     apply the tenant's parser actions (useParserActions)
  --wait               wait for the import to end; exit 1 if it ends in ERROR
  --json               print the importJob object (the final one with --wait) as JSON
  -h, --help           show this help

Exit status: 0 queued (or, with --wait, IMPORT COMPLETE); 1 refused or ERROR; 2 bad command line.

Examples:
  intake import scan.nessus --client 3 --report 12 --wait
  intake import burp.xml --client 3 --report 12 --source burp --tags external,q3
  intake import scan.nessus --client 3 --report 12 --wait --json | jq .processed_findings`,

  async run(args, context) {
    const parsed = parseCommandLine(NAME, args, {
      client: { type: 'string' },
      report: { type: 'string' },
      source: { type: 'string' },
      tags: { type: 'string' },
      'finding-tags': { type: 'string' },
      'parser-actions': { type: 'boolean' },
      wait: { type: 'boolean' },
    });
    const { terminal } = context;
    if (parsed.help) return printHelp(terminal, this.help);
    const [file] = expectPositionals(NAME, parsed, ['FILE']);
    const clientId = positiveInteger(NAME, '--client', stringOption(NAME, parsed, 'client', true));
    const reportId = positiveInteger(NAME, '--report', stringOption(NAME, parsed, 'report', true));
    const source = stringOption(NAME, parsed, 'source') ?? 'auto';
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(source)) throw new UsageError(`--source must be a parser name such as nessus or auto; found "${source}"`, NAME);
    const tags = { assets: commaList(stringOption(NAME, parsed, 'tags')), findings: commaList(stringOption(NAME, parsed, 'finding-tags')) };
    const size = await fileSize(file!);

    const { client } = await openSession(terminal.env);
    // Check the target and the source before sending what may be gigabytes.
    await Promise.all([checkReport(client, clientId, reportId), checkSource(client, source)]);
    const upload = await uploadFile(client, terminal, file!, size);
    const started = await client.json<{ operationId: string; importJob: ImportJob }>(
      'POST',
      `/api/v2/client/${clientId}/report/${reportId}/preuploaded-import/${encodeURIComponent(source)}`,
      { json: { key: upload.key, fileName: upload.fileName, tags: JSON.stringify(tags), useParserActions: parsed.values['parser-actions'] === true } },
    );

    if (!parsed.values.wait) {
      if (parsed.json) printJson(terminal, started.importJob);
      else terminal.stdout.write(`Import ${started.operationId} queued (${started.importJob.status}). Follow it with: intake imports\n`);
      return EXIT_OK;
    }
    const final = await followImport(client, context, started.operationId, upload.fileName);
    if (parsed.json) printJson(terminal, final);
    else if (final.status === 'IMPORT COMPLETE') terminal.stdout.write(`${summary(final, terminal.paint)}\n`);
    if (final.status === 'ERROR') {
      terminal.stderr.write(`${terminal.paintErr('red', 'Import failed')}: ${final.error_status ?? 'the server gave no reason'}\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  },
};

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path} is not a regular file`, NAME);
    return info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, NAME);
  }
}

async function checkReport(client: IntakeClient, clientId: number, reportId: number): Promise<void> {
  try {
    await client.json('GET', `/api/v1/client/${clientId}/report/${reportId}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new CliError(`client ${clientId} has no report ${reportId} that you can see (${error.code ?? '404'})`);
    throw error;
  }
}

async function checkSource(client: IntakeClient, source: string): Promise<void> {
  if (source === 'auto') return;
  const catalogue = await client.json<{ parsers: { source: string; aliases?: string[] }[] }>('GET', '/api/v2/parsers');
  const known = catalogue.parsers.flatMap((p) => [p.source, ...(p.aliases ?? [])].map((s) => s.toLowerCase()));
  if (!known.includes(source.toLowerCase())) {
    throw new UsageError(`unknown --source "${source}"; known: auto, ${catalogue.parsers.map((p) => p.source).join(', ')}`, NAME);
  }
}

/** Polls GET /api/v2/my-imports/{id} with a progress bar over the bytes the worker has read. */
export async function followImport(client: IntakeClient, context: CommandContext, id: string, fileName: string): Promise<ImportJob> {
  const { terminal } = context;
  const bar = new ProgressBar({ stream: terminal.stderr, enabled: terminal.progress, label: `Importing ${fileName}`, unit: 'bytes', animate: true });
  const lines = new StatusLines(terminal, `import ${id}`);
  return interruptible(
    terminal,
    () => `stopped waiting; import ${id} goes on on the server (see: intake imports)`,
    () => bar.finish(),
    async () => {
      try {
        return await pollUntilDone({
          fetch: () => client.json<ImportJob>('GET', `/api/v2/my-imports/${encodeURIComponent(id)}`),
          isDone: (job) => job.status === 'IMPORT COMPLETE' || job.status === 'ERROR',
          sleep: context.sleep,
          onUpdate: (job) => {
            lines.report(job.status);
            const total = Number(job.file_size);
            const done = job.status === 'IMPORT COMPLETE' ? total : Math.min(Number(job.processed_bytes), Math.max(0, total - 1));
            // The counters are known once the worker has committed; until then only the status is news.
            const counts = job.processed_findings + job.processed_assets > 0 ? `  ${job.processed_findings} findings, ${job.processed_assets} assets` : '';
            bar.update({ total: total > 0 ? total : undefined, done, detail: `${job.status}${counts}` });
          },
        });
      } finally {
        bar.finish();
      }
    },
  );
}

function summary(job: ImportJob, paint: Terminal['paint']): string {
  const head = `${paint(statusStyle(job.status), job.status)}: ${job.original_filename} → client ${job.client_id}, report ${job.report_id} (${job.source})`;
  const rows: [string, string][] = [
    ['findings', `${job.processed_findings} (${job.findings_created} new, ${job.findings_updated} updated, ${job.findings_unchanged} unchanged)`],
    ['assets', String(job.processed_assets)],
    ['finding-assets', String(job.processed_finding_assets)],
    ['evidence', String(job.processed_evidence)],
  ];
  return [head, ...rows.map(([name, value]) => `  ${name.padEnd(15)} ${value}`)].join('\n');
}
