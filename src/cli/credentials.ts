/**
 * The login the CLI remembers: `{url, token, expiresAt, tenantId, user}` in
 * `$XDG_CONFIG_HOME/intake/credentials.json` (default `~/.config/intake/…`). The file holds a
 * bearer token, so it is written readable by its owner only (0600, directory 0700), through a
 * temporary file renamed into place so a crash never leaves half a file.
 */
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from './errors.js';

export interface StoredCredentials {
  url: string;
  token: string;
  /** ISO date-time the session token stops working; null for tokens that do not say. */
  expiresAt: string | null;
  tenantId: number | null;
  user: string | null;
}

/** XDG base directory rules: XDG_CONFIG_HOME only when it is an absolute path, else ~/.config. */
export function credentialsPath(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'intake', 'credentials.json');
}

export async function loadCredentials(path: string): Promise<StoredCredentials | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message}); delete it and run \`intake login\``, { cause: error });
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof record.url !== 'string' || typeof record.token !== 'string') {
    throw new CliError(`${path} does not hold a url and a token; delete it and run \`intake login\``);
  }
  return {
    url: record.url,
    token: record.token,
    expiresAt: typeof record.expiresAt === 'string' ? record.expiresAt : null,
    tenantId: typeof record.tenantId === 'number' ? record.tenantId : null,
    user: typeof record.user === 'string' ? record.user : null,
  };
}

export async function saveCredentials(path: string, credentials: StoredCredentials): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = join(dir, `.credentials-${randomBytes(6).toString('hex')}.tmp`);
  // 'wx' with mode 0600: the file is never readable by others, not even for a moment.
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(credentials, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The umask can only narrow the mode; chmod anyway in case the file system ignored it.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** True when a file was there to remove. */
export async function removeCredentials(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new CliError(`cannot remove ${path}: ${(error as Error).message}`, { cause: error });
  }
}
