/**
 * Live progress of one import: GET /api/v2/my-imports/{key}/events, Server-Sent Events read
 * through fetch, because the browser's EventSource cannot send the Authorization header that the
 * route (like every API route) wants. The stream sends a `status` event on every change of status,
 * progress or counters, and `end` once the import has finished.
 */
import { ApiError } from './http';
import { sessionStore } from './session';
import type { MyImport } from './intake';

/** The `status` and `end` events carry the import's my-imports row. */
export type ImportEvent = { event: string; data: MyImport };

/** One frame (the lines before a blank line): its `event` and JSON `data`; null for comments and keep-alives. */
export function parseFrame(frame: string): ImportEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split(/\r?\n/)) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (data.length === 0) return null;
  try {
    return { event, data: JSON.parse(data.join('\n')) as MyImport };
  } catch {
    return null;
  }
}

/**
 * Calls `onEvent` for each event until the server ends the stream (resolves) or it fails
 * (rejects); `signal` stops it.
 */
export async function followImportEvents(key: string, onEvent: (event: ImportEvent) => void, signal: AbortSignal): Promise<void> {
  const token = sessionStore.token();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`/api/v2/my-imports/${encodeURIComponent(key)}/events`, { headers, credentials: 'omit', signal });
  if (!response.ok || !response.body) throw new ApiError(response.status, undefined, `The live progress stream answered ${response.status}.`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    for (let end = buffered.search(/\r?\n\r?\n/); end >= 0; end = buffered.search(/\r?\n\r?\n/)) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end).replace(/^\r?\n\r?\n/, '');
      const parsed = parseFrame(frame);
      if (parsed) onEvent(parsed);
    }
  }
}
