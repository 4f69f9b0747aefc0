/**
 * fetch for Intake's JSON API: adds `Authorization: Bearer <token>`, turns error answers
 * (`{status: "error", statusCode, message, code}`) into ApiError, and ends the session on a 401.
 */
import { sessionStore } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The human text of an error answer: Intake's `message`, problem details' `detail`, or the status. */
export function errorMessageOf(body: unknown, status: number, statusText: string): string {
  if (body && typeof body === 'object') {
    const b = body as { message?: unknown; detail?: unknown; title?: unknown };
    for (const candidate of [b.message, b.detail, b.title]) if (typeof candidate === 'string' && candidate) return candidate;
  }
  return `The server answered ${status}${statusText ? ` ${statusText}` : ''}.`;
}

export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = sessionStore.token();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    // credentials: 'omit' — the dashboard authenticates with the bearer token only, never the cookie.
    response = await fetch(path, { method, headers, credentials: 'omit', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Intake could not be reached. Check that it is running and try again.');
  }
  const text = await response.text();
  const parsed = text ? parseJson(text) : undefined;
  if (!response.ok) {
    const code = parsed && typeof parsed === 'object' ? ((parsed as { code?: string }).code ?? undefined) : undefined;
    if (response.status === 401 && token) sessionStore.clear('Your session has ended. Sign in again to continue.');
    throw new ApiError(response.status, code, errorMessageOf(parsed, response.status, response.statusText));
  }
  return parsed as T;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
