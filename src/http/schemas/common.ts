/** Schemas shared by several routes (TypeBox: JSON Schema for Fastify and OpenAPI, types for TS). */
import type {} from '@fastify/swagger';
import { Type, type TSchema } from '@sinclair/typebox';

export const IdParam = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });

export const ClientParams = Type.Object({ clientId: IdParam });
export const ReportParams = Type.Object({ clientId: IdParam, reportId: IdParam });

/** PlexTrac-style error body, with Intake's stable code. */
export const PlexError = Type.Object({
  status: Type.Literal('error'),
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.String(),
});

export function withErrors<T extends Record<number, TSchema>>(ok: T, ...errorStatuses: number[]) {
  const out: Record<number, TSchema> = { ...ok };
  for (const status of errorStatuses) out[status] = PlexError;
  return out;
}

export const Security = [{ bearerAuth: [] as string[] }];
