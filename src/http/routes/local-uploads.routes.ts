/**
 * The target of the local store's presigned URLs (embedded mode only): PUT streams the body to
 * disk, GET streams an object back. The signature, not a token, authorises the request, exactly as
 * with S3; a bad, tampered or expired URL is a 403 and nothing is stored.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import { LOCAL_UPLOAD_PATH, type LocalDiskStore } from '../../storage/local-disk-store.js';

export async function localUploadRoutes(app: FastifyInstance, store: LocalDiskStore): Promise<void> {
  // The body is the file itself, whatever its declared type: no parser may read it into memory.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  // Browsers upload from the dashboard's origin, which may differ from INTAKE_PUBLIC_URL's (localhost
  // vs 127.0.0.1, a proxy): any origin may use these URLs, because the signature in the URL is the
  // authorisation, no cookie or header is needed, and nothing is readable without a signed URL.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*');
  });
  app.options(`${LOCAL_UPLOAD_PATH}*`, { schema: { hide: true } }, async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'PUT, GET')
      .header('access-control-allow-headers', 'content-type')
      .header('access-control-max-age', '600')
      .send(),
  );

  // The router has already percent-decoded the wildcard.
  const keyOf = (params: unknown) => (params as { '*': string })['*'];

  app.put(`${LOCAL_UPLOAD_PATH}*`, { schema: { hide: true } }, async (request, reply) => {
    const signed = store.verify('PUT', keyOf(request.params), request.query as Record<string, unknown>);
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > signed.maxBytes) {
      throw new AppError('OBJECT_TOO_LARGE', `the upload is ${declared} bytes, over the limit of ${signed.maxBytes}`);
    }
    const { size } = await store.put(signed.key, request.raw, { maxBytes: signed.maxBytes });
    return reply.code(200).header('etag', `"${size}"`).send();
  });

  app.get(`${LOCAL_UPLOAD_PATH}*`, { schema: { hide: true } }, async (request, reply) => {
    const signed = store.verify('GET', keyOf(request.params), request.query as Record<string, unknown>);
    const stream = await store.get(signed.key);
    const fileName = signed.key.split('/').pop() ?? 'download';
    return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="${fileName.replace(/"/g, '')}"`).send(stream);
  });
}
