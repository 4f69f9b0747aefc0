/**
 * What the request log may say about a request. Fastify logs every request's URL; a presigned
 * URL's query holds its signature, which lets whoever holds it upload or download until it
 * expires — a credential, not something for log files. The request serializer here is Fastify's
 * own with the values of such parameters replaced. Headers (authorization, cookies) and bodies
 * (passwords) are never logged by Fastify or by Intake.
 */
import type { FastifyRequest } from 'fastify';
import type { Logger } from '../logging.js';

/** Query parameters that carry a credential: local presigned URLs' `sig`, S3's, and tokens some clients put in URLs. */
const CREDENTIAL_PARAMS = new Set(['sig', 'signature', 'token', 'access_token', 'x-amz-signature', 'x-amz-credential', 'x-amz-security-token']);

export const REDACTED = '[redacted]';

export function redactUrl(url: string): string {
  const question = url.indexOf('?');
  if (question < 0) return url;
  const query = url
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return CREDENTIAL_PARAMS.has(safeDecode(name).toLowerCase()) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, question)}?${query}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Fastify's request serializer, with credentials in the query replaced. */
export function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    version: request.headers?.['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket ? request.socket.remotePort : undefined,
  };
}

/** The logger for the HTTP layer: the process's own, with the redacting request serializer. */
export function redactingLogger(log: Logger): Logger {
  return log.child({}, { serializers: { req: requestForLog } });
}
