/**
 * GET /api/v2/my-imports/{key}/events: Server-Sent Events with the import's status and progress,
 * sent on every change (PostgreSQL notifications via ImportEvents) and ended once it finishes.
 * Clients send the token in `authorization` (EventSource polyfills and fetch streams can).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { authenticate } from '../auth.js';
import { Security, withErrors } from '../schemas/common.js';
import { getImportForUser, type ImportListRow } from '../../db/repositories/imports.repository.js';
import { isTerminal } from '../../imports/import-state.js';
import { myImportView } from '../views/imports.view.js';

const KEEPALIVE_MS = 15_000;
/** Without a notification channel (tests building the app alone), changes are looked for this often. */
const POLL_MS = 1000;

function eventOf(row: ImportListRow) {
  return {
    ...myImportView(row),
    processed_bytes: String(row.processed_bytes),
    processed_findings: row.processed_findings,
    processed_assets: row.processed_assets,
    processed_finding_assets: row.processed_finding_assets,
    processed_evidence: row.processed_evidence,
  };
}

export async function importEventRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.addHook('preHandler', authenticate(deps));
  // A stopping server ends its streams (clients reconnect elsewhere) instead of waiting on them.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const finish of open) finish();
  });

  app.get<{ Params: { key: string } }>(
    '/api/v2/my-imports/:key/events',
    {
      schema: {
        tags: ['file imports'],
        summary: 'Server-Sent Events: `status` events with status, progress and counters on every change; `end` when it has finished',
        security: Security,
        params: Type.Object({ key: Type.String() }),
        produces: ['text/event-stream'],
        response: withErrors({ 200: Type.String({ description: 'text/event-stream' }) }, 401, 404),
      },
    },
    async (request, reply) => {
      const { tenantId, userId } = request.caller;
      const key = request.params.key;
      const first = await getImportForUser(deps.pool, tenantId, userId, key);
      if (!first) throw new AppError('IMPORT_NOT_FOUND', `no import ${key}`);

      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      out.write('retry: 2000\n\n');
      let sequence = 0;
      let last = '';
      let done = false;
      let checking = false;
      const send = (event: string, data: unknown) => out.write(`id: ${++sequence}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

      const check = async (row?: ImportListRow | null) => {
        if (done || checking) return;
        checking = true;
        try {
          const current = row ?? (await getImportForUser(deps.pool, tenantId, userId, key));
          if (!current) return finish();
          const payload = eventOf(current);
          const text = JSON.stringify(payload);
          if (text !== last) {
            last = text;
            send('status', payload);
          }
          if (isTerminal(current.state)) {
            send('end', payload);
            finish();
          }
        } catch (error) {
          request.log.warn({ err: error, importId: key }, 'import event check failed');
        } finally {
          checking = false;
        }
      };
      const unsubscribe = deps.events ? deps.events.subscribe(key, () => void check()) : () => {};
      const poll = deps.events ? undefined : setInterval(() => void check(), POLL_MS);
      const keepalive = setInterval(() => out.write(': keep-alive\n\n'), KEEPALIVE_MS);
      function finish() {
        if (done) return;
        done = true;
        open.delete(finish);
        unsubscribe();
        clearInterval(poll);
        clearInterval(keepalive);
        out.end();
      }
      request.raw.on('close', finish);
      open.add(finish);
      await check(first);
    },
  );
}
