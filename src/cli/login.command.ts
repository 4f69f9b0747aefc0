/**
 * `intake login`: POST /api/v1/authenticate (then /authenticate/mfa when the account has MFA) and
 * store the session token with its server, expiry and tenant in the credentials file.
 */
import type { Command } from './command.js';
import { printHelp, printJson } from './command.js';
import { parseCommandLine, expectPositionals, stringOption } from './args.js';
import { CliError, EXIT_OK, UsageError } from './errors.js';
import { IntakeClient } from './http-client.js';
import { credentialsPath, loadCredentials, saveCredentials } from './credentials.js';
import { canPrompt, promptHidden, promptVisible } from './prompt.js';
import type { Terminal } from './terminal.js';

const NAME = 'login';
export const DEFAULT_URL = 'http://127.0.0.1:8080';

interface LoginAnswer {
  status: 'success';
  tenant_id: number;
  token?: string;
  expires_at?: string;
  mfa_enabled?: true;
  code?: string;
}

export const loginCommand: Command = {
  name: NAME,
  summary: 'log in and remember the session token',
  help: `Usage: intake login [--url URL] [--user EMAIL] [--json]

Logs in with an e-mail and password (POST /api/v1/authenticate) and stores the session token,
its server, expiry and tenant in $XDG_CONFIG_HOME/intake/credentials.json (default
~/.config/intake/credentials.json, readable by you only). Sessions last 15 minutes; commands
run in the last 5 minutes of one renew it.

Options:
  --url URL      the Intake server (default: INTAKE_URL, else the stored login's, else ${DEFAULT_URL})
  --user EMAIL   the account (default: INTAKE_USER, else asked on the terminal)
  --json         print {status, url, user, tenantId, expiresAt, credentials} as JSON
  -h, --help     show this help

Environment:
  INTAKE_PASSWORD  the password (otherwise asked on the terminal, without echo)
  INTAKE_MFA_CODE  the six-digit code when the account has MFA (otherwise asked on the terminal)
  INTAKE_URL, INTAKE_TOKEN  when set, other commands use these instead of the stored login
                   (INTAKE_TOKEN may be an API token, pa_…, from POST /api/v2/api-tokens)

Examples:
  intake login --url https://intake.example.com --user alice@example.com
  INTAKE_PASSWORD="$PW" intake login --user ci@example.com --json`,

  async run(args, { terminal }) {
    const parsed = parseCommandLine(NAME, args, { url: { type: 'string' }, user: { type: 'string' } });
    if (parsed.help) return printHelp(terminal, this.help);
    expectPositionals(NAME, parsed, []);
    const path = credentialsPath(terminal.env);
    const stored = await loadCredentials(path).catch(() => null);
    const url = checkedUrl(stringOption(NAME, parsed, 'url') ?? terminal.env.INTAKE_URL?.trim() ?? stored?.url ?? DEFAULT_URL);
    const user = await askUser(terminal, stringOption(NAME, parsed, 'user') ?? (terminal.env.INTAKE_USER?.trim() || undefined), stored?.user ?? undefined);
    const password = await askSecret(terminal, 'INTAKE_PASSWORD', `Password for ${user}: `);

    const client = new IntakeClient(url, null);
    let answer = await client.json<LoginAnswer>('POST', '/api/v1/authenticate', { json: { username: user, password } }).catch(loginFailed);
    if (answer.mfa_enabled) {
      const digits = (await askMfaCode(terminal)).replace(/\s/g, '');
      if (!/^\d{6}$/.test(digits)) throw new CliError(`the MFA code must be 6 digits; found "${digits}"`);
      answer = await client.json<LoginAnswer>('POST', '/api/v1/authenticate/mfa', { json: { code: answer.code, token: digits } }).catch(loginFailed);
    }
    if (!answer.token) throw new CliError(`the server at ${url} answered the login without a token`);

    await saveCredentials(path, { url: client.baseUrl, token: answer.token, expiresAt: answer.expires_at ?? null, tenantId: answer.tenant_id, user });
    const result = { status: 'success', url: client.baseUrl, user, tenantId: answer.tenant_id, expiresAt: answer.expires_at ?? null, credentials: path };
    if (parsed.json) printJson(terminal, result);
    else {
      const until = answer.expires_at ? ` until ${new Date(answer.expires_at).toLocaleTimeString()}` : '';
      terminal.stdout.write(`Logged in to ${client.baseUrl} as ${user} (tenant ${answer.tenant_id}); the session lasts${until}.\n`);
    }
    if (terminal.env.INTAKE_TOKEN?.trim()) terminal.stderr.write('note: INTAKE_TOKEN is set in the environment and is used instead of this login\n');
    return EXIT_OK;
  },
};

function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url must be an http(s) URL like ${DEFAULT_URL}; found "${url}"`, NAME);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url must start with http:// or https://; found "${url}"`, NAME);
  return url;
}

async function askUser(terminal: Terminal, given: string | undefined, remembered: string | undefined): Promise<string> {
  if (given) return given;
  if (canPrompt(terminal)) {
    const answer = await promptVisible(terminal, remembered ? `E-mail [${remembered}]: ` : 'E-mail: ');
    if (answer || remembered) return answer || remembered!;
  }
  throw new UsageError('no user: pass --user EMAIL (or set INTAKE_USER)', NAME);
}

async function askSecret(terminal: Terminal, variable: string, question: string): Promise<string> {
  const fromEnv = terminal.env[variable];
  if (fromEnv) return fromEnv;
  if (canPrompt(terminal)) return promptHidden(terminal, question);
  throw new UsageError(`no password: set ${variable} or run intake login on a terminal`, NAME);
}

async function askMfaCode(terminal: Terminal): Promise<string> {
  const fromEnv = terminal.env.INTAKE_MFA_CODE?.trim();
  if (fromEnv) return fromEnv;
  if (canPrompt(terminal)) return promptVisible(terminal, 'Six-digit code from your authenticator app: ');
  throw new UsageError('this account has MFA: set INTAKE_MFA_CODE to the current six-digit code, or run intake login on a terminal', NAME);
}

function loginFailed(error: unknown): never {
  if (error instanceof CliError) throw new CliError(`login failed: ${error.message}`, { cause: error });
  throw error;
}
