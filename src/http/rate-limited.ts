/** Rate-limited answers (AUTH_RATE_LIMITED) say when to come back: Retry-After, in seconds. */
import type { FastifyReply } from 'fastify';
import { AppError } from '../errors/app-error.js';

export async function withRetryAfter<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && error.code === 'AUTH_RATE_LIMITED') reply.header('Retry-After', String(error.details?.retryAfterSeconds ?? 60));
    throw error;
  }
}
