/**
 * The session cookie. Browsers rendering `<img src="/api/v1/uploads/…">` send cookies, never an
 * authorization header, so the login also sets the session token as a cookie named `token` (the
 * name PlexTrac uses), limited to the uploads path, HttpOnly and SameSite=Lax.
 */
export const SESSION_COOKIE = 'token';
export const SESSION_COOKIE_PATH = '/api/v1/uploads';

/**
 * Parses a Cookie request header (RFC 6265 §5.4: `name=value` pairs separated by `;`). The first
 * occurrence of a name wins, as browsers send the most specific cookie first. Quoted values are
 * unquoted; values are not URL-decoded (a JWT never needs it).
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name && !(name in cookies)) cookies[name] = value;
  }
  return cookies;
}

/** The Set-Cookie value that carries a session token for `ttlSeconds`. */
export function sessionCookie(token: string, ttlSeconds: number, secure: boolean): string {
  const attributes = [`${SESSION_COOKIE}=${token}`, `Max-Age=${ttlSeconds}`, `Path=${SESSION_COOKIE_PATH}`, 'HttpOnly', 'SameSite=Lax'];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}
