/**
 * The one error vocabulary of the REST API: throw ApiError(code, message, details) anywhere;
 * renderError turns it (or anything else) into the API-SPEC error envelope. Unknown errors
 * become an opaque 500 carrying the request id; their details go only to the log.
 */
import { HTTP_STATUS_BY_CODE, type ErrorCode, type ErrorEnvelope } from '@gpuoptimizer/shared';
import type { Context } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';
import type { ApiLogger } from './deps.js';
import type { AppEnv } from './env.js';
import { JSON_TYPE, responseHeadersOf, send } from './http.js';

/** An error a client can act on. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

/** Renders any thrown value as the error envelope. */
export function renderError(err: unknown, c: Context<AppEnv>, logger: ApiLogger, now: Date): Response {
  const requestId = c.get('requestId');
  let apiErr: ApiError;
  if (err instanceof ApiError) {
    apiErr = err;
  } else {
    logger.error({ err, request_id: requestId, method: c.req.method, path: c.req.path }, 'unhandled error');
    apiErr = new ApiError('INTERNAL_ERROR', 'Internal server error', `request ${requestId}`);
  }
  const body: ErrorEnvelope = {
    success: false,
    error: { code: apiErr.code, message: apiErr.message, request_id: requestId },
    timestamp: now.toISOString(),
  };
  if (apiErr.details !== undefined) body.error.details = apiErr.details;
  if (apiErr.headers) Object.assign(responseHeadersOf(c), apiErr.headers);
  return send(c, apiErr.status as StatusCode, JSON.stringify(body), JSON_TYPE);
}
