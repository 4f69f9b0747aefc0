/**
 * Steps 1–2 of spec 1: a presigned URL from the API, then a PUT of the file straight from disk
 * (streamed, with Content-Length, never read into memory) while a progress bar counts the bytes.
 * The presigned URL carries its own authorisation, so the token is never sent with the PUT (it may
 * go to S3).
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { IntakeClient } from './http-client.js';
import { apiErrorOf, send } from './http-client.js';
import { CliError } from './errors.js';
import { ProgressBar } from './progress-bar.js';
import type { Terminal } from './terminal.js';
import { formatBytes } from './format.js';
import { interruptible } from './wait.js';

export interface UploadedFile {
  key: string;
  fileName: string;
  size: number;
}

export async function uploadFile(client: IntakeClient, terminal: Terminal, path: string, size: number): Promise<UploadedFile> {
  const fileName = basename(path);
  const presigned = await client.json<{ key: string; url: string }>('POST', '/api/v2/presigned-url', { json: { name: fileName } });
  const bar = new ProgressBar({ stream: terminal.stderr, enabled: terminal.progress, label: `Uploading ${fileName}`, unit: 'bytes', total: size, animate: true });
  if (!terminal.progress) terminal.stderr.write(`uploading ${fileName} (${formatBytes(size)})\n`);

  let sent = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(path)) {
      sent += (chunk as Buffer).length;
      bar.update({ done: sent });
      yield chunk as Buffer;
    }
  }
  const response = await interruptible(
    terminal,
    () => `upload of ${fileName} stopped; nothing was imported`,
    () => bar.finish(),
    async () => {
      try {
        return await send(
          presigned.url,
          // duplex 'half': the request body is a stream (required by fetch for streamed bodies).
          { method: 'PUT', body: chunks() as unknown as ReadableStream, duplex: 'half', headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) } } as RequestInit,
          0,
        );
      } finally {
        bar.finish();
      }
    },
  );
  if (!response.ok) {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw new CliError(`the upload of ${fileName} was refused: ${apiErrorOf('PUT', 'the presigned URL', response.status, body, text).message}`);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (sent !== size) throw new CliError(`${path} changed while it was uploaded: expected ${size} bytes, sent ${sent}`);
  return { key: presigned.key, fileName, size };
}
