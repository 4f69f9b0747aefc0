/** A minimal HTTP client for tests, speaking only the public API. */
import { readFile } from 'node:fs/promises';
import { sleep } from './ports.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class ApiClient {
  token: string | null = null;

  constructor(readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<void> {
    const res = await this.request('POST', '/api/v1/authenticate', { username, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    this.token = res.body.token;
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.token && !('authorization' in h)) h.authorization = this.token;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      h['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(this.baseUrl + path, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: any = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  /** Like request, but fails the test unless the status is 2xx. */
  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${res.text.slice(0, 500)}`);
    return res.body;
  }

  async createClientAndReport(name = 'Acme'): Promise<{ clientId: number; reportId: number }> {
    const client = await this.ok('POST', '/api/v1/client/create', { name });
    const report = await this.ok('POST', `/api/v1/client/${client.client_id}/report/create`, { name: `${name} report` });
    return { clientId: client.client_id, reportId: report.report_id };
  }

  /** Steps 1–2 of spec 1: a presigned URL, then a real PUT of the bytes to it. */
  async upload(fileName: string, bytes: Buffer | string): Promise<{ key: string; url: string }> {
    const pre = await this.ok('POST', '/api/v2/presigned-url', { name: fileName });
    const put = await fetch(pre.url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes) });
    if (put.status !== 200) throw new Error(`PUT ${pre.url} -> ${put.status} ${await put.text()}`);
    return pre;
  }

  /** Steps 1–3 of spec 1. Returns the preuploaded-import response body. */
  async importBytes(
    target: { clientId: number; reportId: number },
    source: string,
    fileName: string,
    bytes: Buffer | string,
    tags = { assets: [] as string[], findings: [] as string[] },
    options: { useParserActions?: boolean } = {},
  ) {
    const { key } = await this.upload(fileName, bytes);
    return this.ok('POST', `/api/v2/client/${target.clientId}/report/${target.reportId}/preuploaded-import/${source}`, {
      tags: JSON.stringify(tags),
      useParserActions: options.useParserActions ?? false,
      key,
      fileName,
    });
  }

  async importFile(target: { clientId: number; reportId: number }, source: string, path: string, tags?: { assets: string[]; findings: string[] }) {
    return this.importBytes(target, source, path.split('/').pop()!, await readFile(path), tags);
  }

  /** Polls my-imports until the import ends; returns the full importJob object. */
  async waitForImport(operationId: string, timeoutMs = 60_000): Promise<any> {
    const started = Date.now();
    for (;;) {
      const list = await this.ok<any[]>('GET', '/api/v2/my-imports');
      const row = list.find((r) => r.key === operationId);
      if (row && (row.status === 'IMPORT COMPLETE' || row.status === 'ERROR')) {
        return { ...(await this.ok('GET', `/api/v2/my-imports/${operationId}`)), listed: row };
      }
      if (Date.now() - started > timeoutMs) throw new Error(`import ${operationId} did not finish: ${JSON.stringify(row)}`);
      await sleep(150);
    }
  }
}
