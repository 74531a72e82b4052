/**
 * The first step of every request (see ../pipeline.ts). It gives the request its id (the caller's
 * X-Request-Id when that is a plain token of at most 255 characters, else a new UUID), starts the
 * response headers with the security headers and CORS, and answers CORS preflights.
 *
 * Everything is set before the handler runs and kept in the request's plain header object (see
 * ../http.ts); setting headers on a response afterwards, as hono/cors and hono/secure-headers do,
 * rebuilds it.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { requestHeader, send } from '../http.js';

/**
 * A new header object holding the security headers and the request id. Written as one literal on
 * purpose: on Node 20's V8, an object made by spreading a constant and then given more keys (as
 * rate limiting and `send` do) falls into a slow mode that cost 5 µs a request.
 */
function startHeaders(requestId: string): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // JSON needs nothing; the docs page needs its inline style.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    Vary: 'Origin',
    'X-Request-Id': requestId,
  };
}

const ALLOW_METHODS = 'GET,POST,PUT,PATCH,DELETE,OPTIONS';
const ALLOW_HEADERS = 'Authorization,Content-Type,X-Request-Id';
const EXPOSE_HEADERS = 'X-Request-Id,X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset,Retry-After';
const MAX_REQUEST_ID = 255;
const REQUEST_ID_FORBIDDEN = /[^\w\-=]/;

function requestIdOf(given: string | undefined): string {
  return given && given.length <= MAX_REQUEST_ID && !REQUEST_ID_FORBIDDEN.test(given) ? given : randomUUID();
}

/** Builds the frame step: it answers CORS preflights itself and returns nothing for other requests. */
export function frame(opts: { corsOrigins: readonly string[] }): (c: Context<AppEnv>) => Response | undefined {
  const allowed = new Set(opts.corsOrigins);
  return function startFrame(c) {
    const requestId = requestIdOf(requestHeader(c, 'x-request-id'));
    c.set('requestId', requestId);
    const headers = startHeaders(requestId);
    c.set('responseHeaders', headers);
    const origin = requestHeader(c, 'origin');
    const allowedOrigin = origin !== undefined && allowed.has(origin);
    if (allowedOrigin) {
      headers['Access-Control-Allow-Origin'] = origin;
      headers['Access-Control-Expose-Headers'] = EXPOSE_HEADERS;
    }
    if (c.req.method === 'OPTIONS' && requestHeader(c, 'access-control-request-method') !== undefined) {
      if (allowedOrigin) {
        headers['Access-Control-Allow-Methods'] = ALLOW_METHODS;
        headers['Access-Control-Allow-Headers'] = ALLOW_HEADERS;
        headers['Access-Control-Max-Age'] = '600';
      }
      return send(c, 204, null);
    }
    return undefined;
  };
}
