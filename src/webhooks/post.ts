/**
 * Posts one webhook body with node:http(s), connecting only to the addresses `checkedLookup`
 * approved (see destination.ts), following no redirect, within a time limit. Answers the
 * receiver's status; the answer's body is read and dropped.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertDeliverable, checkedLookup, type Resolver } from './destination.js';

export interface PostOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  /** The resolver to check and connect with; the system's by default. */
  resolve?: Resolver;
}

export function postWebhook(url: URL, headers: Record<string, string>, body: string, options: PostOptions): Promise<number> {
  assertDeliverable(url, options.allowPrivate);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: checkedLookup(options.allowPrivate, options.resolve),
        signal: AbortSignal.timeout(options.timeoutMs),
        // One connection per delivery: a pooled socket would skip the lookup, and its check.
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The lookup's refusal reaches us wrapped as the request's error: keep its own code and text.
      reject(error);
    });
    req.end(body);
  });
}
