/**
 * Images for rich-text fields (spec 2, "Adding Images to CKEditor Fields"): PlexTrac's "Upload
 * Image to Tenant" (POST /api/v1/uploads, multipart field `file`) and "Get Upload by Name"
 * (GET /api/v1/uploads/<name>). The GET also accepts the session cookie, because a browser
 * rendering `<img src="/api/v1/uploads/…">` sends cookies, never an authorization header.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppDeps } from '../deps.js';
import { AppError } from '../../errors/app-error.js';
import { UploadsService } from '../../content/uploads.service.js';
import { Security, withErrors } from '../schemas/common.js';
import { FilePart, documentedBody } from '../schemas/documented-body.js';
import { authenticate } from '../auth.js';
import { writeAccess } from '../write-access.js';

const UploadResponse = Type.Object({ status: Type.Literal('success'), fileUrl: Type.String() });
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });

export async function uploadRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const uploads = new UploadsService(deps.pool, deps.store, deps.config.imageMaxBytes);
  const byHeader = authenticate(deps);
  // Only this GET takes the cookie: a browser sends cookies on cross-site requests too, and a
  // GET of an image changes nothing.
  const byHeaderOrCookie = authenticate(deps, { cookie: true });

  app.post(
    '/api/v1/uploads',
    {
      preHandler: [byHeader, ...writeAccess],
      config: documentedBody(Type.Object({ file: FilePart('the image (or other file)') })),
      schema: {
        tags: ['uploads'],
        summary: 'Upload an image for rich-text fields (multipart field `file`)',
        description:
          'The type is recognised from the file\'s first bytes (PNG, JPEG, GIF, WebP, BMP): `fileUrl` is `uploads/<uuid>.<ext>`. ' +
          'Anything else (SVG included) is kept as a byte stream: `fileUrl` is `uploads/<uuid>`, served only as a download. ' +
          'Put it in rich text as `<img src="/api/v1/<fileUrl>">`.',
        security: Security,
        consumes: ['multipart/form-data'],
        response: withErrors({ 200: UploadResponse }, 400, 401, 403, 413, 415),
      },
    },
    async (request) => {
      if (!request.isMultipart()) throw new AppError('FILE_MISSING', 'send the image as multipart/form-data in a field named "file"');
      let stored = null;
      // Other fields (PlexTrac's UI sends `setScope`) are read and ignored; files other than the
      // first `file` are drained, never stored.
      for await (const part of request.parts()) {
        if (part.type === 'file' && part.fieldname === 'file' && !stored) {
          stored = await uploads.save(request.caller, part.file);
        } else if (part.type === 'file') {
          part.file.resume();
        }
      }
      if (!stored) throw new AppError('FILE_MISSING', 'no multipart field named "file" was sent');
      return { status: 'success' as const, fileUrl: stored.fileUrl };
    },
  );

  app.get<{ Params: Static<typeof NameParams> }>(
    '/api/v1/uploads/:name',
    {
      preHandler: byHeaderOrCookie,
      schema: {
        tags: ['uploads'],
        summary: 'An uploaded file, to users of its tenant (token in `authorization` or the `token` cookie)',
        security: Security,
        params: NameParams,
        produces: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'application/octet-stream'],
        response: withErrors({ 200: Type.String({ format: 'binary' }) }, 401, 404),
      },
    },
    async (request, reply) => {
      const { file, body } = await uploads.open(request.caller.tenantId, request.params.name);
      reply
        .header('x-content-type-options', 'nosniff')
        // Even if a browser were told to render it as a page, nothing in it may run or load.
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, max-age=3600')
        .header('content-length', String(file.size));
      if (file.content_type) {
        reply.type(file.content_type).header('content-disposition', `inline; filename="${file.name}"`);
      } else {
        reply.type('application/octet-stream').header('content-disposition', `attachment; filename="${file.name}"`);
      }
      return reply.send(body);
    },
  );
}
