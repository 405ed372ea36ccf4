import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../model/logger.ts';
import { StoreError } from '../store/influx.ts';

/** Every error the API answers with, by code: its HTTP status and what it means. One table, so
 * the OpenAPI document and the README list exactly these. */
export const apiErrors = {
  'invalid-parameter': { status: 400, means: 'a path, query or body parameter is missing, malformed or out of range' },
  'invalid-body': { status: 400, means: 'the body is not JSON' },
  unauthenticated: { status: 401, means: 'log in or send a token (Authorization: Bearer …)' },
  'login-failed': { status: 401, means: 'wrong user name or password' },
  forbidden: { status: 403, means: 'the role held does not allow this' },
  'csrf-mismatch': { status: 403, means: 'a write from a browser session without the X-CSRF-Token header the session was given' },
  'not-found': { status: 404, means: 'no such site, device, link, alert, window, token or route' },
  'method-not-allowed': { status: 405, means: 'the route exists, not with this method' },
  conflict: { status: 409, means: 'the change contradicts what is stored (a window already ended, an id taken)' },
  'payload-too-large': { status: 413, means: 'the body is over the limit' },
  'rate-limited': { status: 429, means: 'too many attempts; wait as Retry-After says' },
  internal: { status: 500, means: 'a fault in linkwatch: the log has the details' },
  'store-unavailable': { status: 503, means: 'InfluxDB cannot be used now (unreachable, refusing, missing its database)' },
} as const satisfies Record<string, { status: number; means: string }>;

export type ApiErrorCode = keyof typeof apiErrors;

/** The one error type a route throws; anything else becomes `internal`, its cause logged. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  get status(): number {
    return apiErrors[this.code].status;
  }
}

export interface ErrorBody {
  error: { code: ApiErrorCode; message: string };
}

/** body-parser's errors carry a `type`; these are the client's fault, not ours. */
function fromBodyParser(error: unknown): ApiError | undefined {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.parse.failed') return new ApiError('invalid-body', `the body is not valid JSON: ${(error as Error).message}`);
  if (type === 'entity.too.large') return new ApiError('payload-too-large', 'the body is over 64 kB');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new ApiError('invalid-body', (error as Error).message);
  return undefined;
}

/** Turns what a route threw into `{error: {code, message}}`. A store failure says which part
 * failed (its message names the URL without credentials); an unknown fault says only that it
 * happened, and the log keeps the stack. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (response.headersSent) return next(error);
    let apiError: ApiError;
    if (error instanceof ApiError) apiError = error;
    else if (error instanceof StoreError) {
      logger.warn({ reason: error.reason, url: error.url, path: request.path }, `store: ${error.message}`);
      apiError = new ApiError('store-unavailable', error.message);
    } else {
      apiError = fromBodyParser(error) ?? new ApiError('internal', 'linkwatch failed to answer this request; the log has the details');
      if (apiError.code === 'internal') logger.error({ err: error, method: request.method, path: request.path }, 'api: request failed');
    }
    const body: ErrorBody = { error: { code: apiError.code, message: apiError.message } };
    response.status(apiError.status).set(apiError.headers).json(body);
  };
}
