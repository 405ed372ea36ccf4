import type { Secret } from '../../../config/secret.ts';
import { redactSecrets } from '../../../config/secret.ts';
import { failure, type SendFailure } from './types.ts';

export type HttpResult = { ok: true; status: number; body: string } | SendFailure;

/** Body text kept in an error message: enough to read the receiver's complaint. */
const BODY_EXCERPT = 300;

/** POSTs a body and reads the answer; network failures and timeouts become results, and every
 * text that leaves here has the secrets removed (bot tokens sit in the URL path). */
export async function post(options: {
  fetch: typeof fetch;
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  secrets: readonly (Secret | undefined)[];
}): Promise<HttpResult> {
  const clean = (text: string) => redactSecrets(text, options.secrets);
  try {
    const response = await options.fetch(options.url, {
      method: 'POST',
      body: options.body,
      headers: options.headers,
      // A redirected POST turns into a GET without its body: refuse rather than lose the message.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const body = await response.text();
    return { ok: true, status: response.status, body };
  } catch (error) {
    return fetchFailure(error, options.timeoutMs, clean);
  }
}

function fetchFailure(error: unknown, timeoutMs: number, clean: (text: string) => string): SendFailure {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return failure('timeout', true, `no answer within ${timeoutMs} ms`);
  // undici reports "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND, …) in `cause`.
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ? `${cause.code}${cause.message ? `: ${cause.message}` : ''}` : (error as Error).message ?? String(error);
  return failure('unreachable', true, clean(detail));
}

export const excerpt = (body: string): string => (body.length > BODY_EXCERPT ? `${body.slice(0, BODY_EXCERPT)}…` : body).replace(/\s+/g, ' ').trim();
