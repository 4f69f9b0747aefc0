/**
 * The CLI's only way to the server: the public HTTP API through Node's fetch. Answers are parsed
 * as JSON; any status outside 2xx becomes an ApiError carrying the server's code and message,
 * whichever of Intake's error shapes it came in (PlexTrac's `{status: "error", code, message}`,
 * spec 3's `{error, message, errors}` or problem details).
 */
import { CliError } from './errors.js';

export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    /** The parsed error body (spec 3's `errors` list lives here). */
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Supplies the token for each request; may refresh it first. */
export interface TokenSource {
  token(): Promise<string>;
  /** Turns a 401 into the error to show (e.g. "run intake login again"). */
  unauthorized(error: ApiError): Error;
}

export interface RequestOptions {
  /** Sent as JSON with content-type application/json. */
  json?: unknown;
  /** Sent as is (FormData, a string, a stream with `duplex: 'half'`). */
  body?: RequestInit['body'];
  headers?: Record<string, string>;
  /** Abort after this long; 0 = never (uploads). Default 60 s. */
  timeoutMs?: number;
  /** Statuses returned instead of thrown (the caller wants to read the body). */
  accept?: number[];
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export class IntakeClient {
  readonly baseUrl: string;

  constructor(baseUrl: string, private readonly auth: TokenSource | null) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async json<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>(method, path, options)).body;
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.auth) headers.authorization = `Bearer ${await this.auth.token()}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const url = this.baseUrl + path;
    const response = await send(url, { method, headers, body, duplex: 'half' } as RequestInit, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const text = await response.text();
    const parsed = parseJson(text);
    if ((response.status >= 200 && response.status < 300) || options.accept?.includes(response.status)) {
      return { status: response.status, headers: response.headers, body: parsed as T };
    }
    const error = apiErrorOf(method, path, response.status, parsed, text);
    if (response.status === 401 && this.auth) throw this.auth.unauthorized(error);
    throw error;
  }
}

/** fetch with a timeout, and network failures turned into a sentence naming the URL. */
export async function send(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, timeoutMs > 0 ? { ...init, signal: AbortSignal.timeout(timeoutMs) } : init);
  } catch (error) {
    throw networkError(url, error, timeoutMs);
  }
}

export function networkError(url: string, error: unknown, timeoutMs = 0): CliError {
  const origin = safeOrigin(url);
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return new CliError(`${origin} did not answer within ${Math.round(timeoutMs / 1000)} s`, { cause: error });
  const reason = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(error);
  return new CliError(`cannot reach ${origin}: ${reason}`, { cause: error });
}

/** The scheme, host and port only: presigned URLs carry signatures that do not belong in messages. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the server';
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function apiErrorOf(method: string, path: string, status: number, body: unknown, text: string): ApiError {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof record.code === 'string' ? record.code : typeof record.error === 'string' && status !== 500 ? record.error : null;
  const message =
    (typeof record.message === 'string' && record.message) ||
    (typeof record.detail === 'string' && record.detail) ||
    (typeof record.title === 'string' && record.title) ||
    text.trim().slice(0, 300) ||
    `HTTP ${status}`;
  // The server's sentence first; the status, code and route after it, for reports and searches.
  const where = `${method} ${path.split('?')[0]}`;
  return new ApiError(`${message} (HTTP ${status}${code ? ` ${code}` : ''}, ${where})`, status, code, body);
}
