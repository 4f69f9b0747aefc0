/**
 * How the api stops taking requests: Fastify's close stops listening (new connections are
 * refused), answers 503 to requests arriving on kept-alive connections, closes idle ones, and
 * waits for the requests in flight, closing each connection as soon as it is idle. Those get the
 * grace period (INTAKE_SHUTDOWN_GRACE_SECONDS); connections still busy after it are cut.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logging.js';

export async function drainHttp(app: FastifyInstance, graceMs: number, log: Logger): Promise<void> {
  const cut = setTimeout(() => {
    log.warn({ graceMs }, 'requests still running after the grace period; closing their connections');
    app.server.closeAllConnections();
  }, graceMs);
  // A kept-alive connection whose request finishes during the drain would otherwise stay open
  // until its keep-alive timeout, holding the close up for nothing.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
    clearInterval(sweep);
  }
}
