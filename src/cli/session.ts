/**
 * Which server and token a command uses. INTAKE_URL and INTAKE_TOKEN (a session token or a `pa_…`
 * API token) win over the stored login. A stored session token is refreshed (PUT
 * /api/v1/token/refresh) when it has less than REFRESH_WINDOW_MS left, so a long `--wait` outlives
 * the 15-minute session; once it has expired the command stops with "log in again".
 */
import { ApiError, IntakeClient, type TokenSource } from './http-client.js';
import { CliError } from './errors.js';
import { credentialsPath, loadCredentials, saveCredentials, type StoredCredentials } from './credentials.js';

export const REFRESH_WINDOW_MS = 5 * 60_000;

export interface Connection {
  url: string;
  token: string;
  /** `environment`: INTAKE_TOKEN; `login`: the credentials file. */
  source: 'environment' | 'login';
  expiresAt: Date | null;
  /** Known only for a stored login (the login answer's tenant_id). */
  tenantId: number | null;
}

/** Decides the connection from the environment and the stored login, or says what is missing. */
export function resolveConnection(env: NodeJS.ProcessEnv, stored: StoredCredentials | null, now: Date): Connection {
  const envToken = env.INTAKE_TOKEN?.trim();
  const envUrl = env.INTAKE_URL?.trim();
  if (envToken) {
    const url = envUrl || stored?.url;
    if (!url) throw new CliError('INTAKE_TOKEN is set but no server is known: set INTAKE_URL too (e.g. INTAKE_URL=https://intake.example.com)');
    return { url, token: envToken, source: 'environment', expiresAt: null, tenantId: null };
  }
  if (!stored) throw new CliError('not logged in: run `intake login` (or set INTAKE_URL and INTAKE_TOKEN)');
  const expiresAt = stored.expiresAt ? new Date(stored.expiresAt) : null;
  if (expiresAt && !Number.isNaN(expiresAt.getTime()) && expiresAt.getTime() <= now.getTime()) {
    throw new CliError(`your session on ${stored.url} expired at ${expiresAt.toLocaleString()}; run \`intake login\` again`);
  }
  return { url: envUrl || stored.url, token: stored.token, source: 'login', expiresAt, tenantId: stored.tenantId };
}

export interface Session {
  client: IntakeClient;
  connection: Connection;
  /** The caller's tenant id: from the login, else asked of GET /api/v2/users/me. */
  tenantId(): Promise<number>;
}

export async function openSession(env: NodeJS.ProcessEnv, now: () => Date = () => new Date()): Promise<Session> {
  const path = credentialsPath(env);
  const stored = await loadCredentials(path);
  const connection = resolveConnection(env, stored, now());
  const auth = new SessionTokens(connection, stored, path, now);
  const client = new IntakeClient(connection.url, auth);
  auth.refresher = new IntakeClient(connection.url, { token: async () => connection.token, unauthorized: (e) => e });
  let tenantId = connection.tenantId;
  return {
    client,
    connection,
    async tenantId() {
      if (tenantId === null) tenantId = (await client.json<{ user: { tenantId: number } }>('GET', '/api/v2/users/me')).user.tenantId;
      return tenantId;
    },
  };
}

class SessionTokens implements TokenSource {
  refresher: IntakeClient | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly stored: StoredCredentials | null,
    private readonly path: string,
    private readonly now: () => Date,
  ) {}

  async token(): Promise<string> {
    const { connection } = this;
    if (connection.source === 'login' && connection.expiresAt && connection.expiresAt.getTime() - this.now().getTime() < REFRESH_WINDOW_MS) {
      await this.refresh();
    }
    return connection.token;
  }

  unauthorized(error: ApiError): Error {
    const reason = `${error.code ?? 'HTTP 401'}: ${(error.body as { message?: string } | undefined)?.message ?? 'unauthorized'}`;
    if (error.code === 'AUTH_TOKEN_EXPIRED') {
      return new CliError(this.connection.source === 'login' ? 'your session has expired; run `intake login` again' : 'the token in INTAKE_TOKEN has expired; set a new one or run `intake login`');
    }
    if (this.connection.source === 'environment') return new CliError(`the server refused the token in INTAKE_TOKEN (${reason})`);
    return new CliError(`the server refused the stored login (${reason}); run \`intake login\` again`);
  }

  /** A new 15-minute session token; on failure the current one is kept (it still has minutes left). */
  private async refresh(): Promise<void> {
    const { connection } = this;
    try {
      const answer = await this.refresher!.json<{ token: string; expires_at: string }>('PUT', '/api/v1/token/refresh');
      connection.token = answer.token;
      connection.expiresAt = new Date(answer.expires_at);
      if (this.stored) await saveCredentials(this.path, { ...this.stored, token: answer.token, expiresAt: answer.expires_at });
    } catch {
      // Keep the current token; if it has really run out the request itself says so.
      connection.expiresAt = null;
    }
  }
}
