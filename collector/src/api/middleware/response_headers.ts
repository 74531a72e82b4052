/**
 * Security headers and CORS in one middleware that sets everything before the handler runs:
 * Hono merges prepared headers into the response as it is created, whereas setting headers on
 * `c.res` afterwards (as hono/cors and hono/secure-headers do) rebuilds the response — measured
 * at a third of the request cost of GET /api/gpus.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';

const SECURITY_HEADERS: readonly [string, string][] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  // JSON needs nothing; the docs page needs its inline style.
  ['Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"],
  ['Vary', 'Origin'],
];

const ALLOW_METHODS = 'GET,POST,PUT,PATCH,DELETE,OPTIONS';
const ALLOW_HEADERS = 'Authorization,Content-Type,X-Request-Id';
const EXPOSE_HEADERS = 'X-Request-Id,X-RateLimit-Limit,X-RateLimit-Remaining,X-RateLimit-Reset,Retry-After';

/** Sets security headers on every response and answers CORS for the allowed origins only. */
export function responseHeaders(opts: { corsOrigins: readonly string[] }): MiddlewareHandler<AppEnv> {
  const allowed = new Set(opts.corsOrigins);
  return async function responseHeadersMiddleware(c, next) {
    for (const [name, value] of SECURITY_HEADERS) c.header(name, value);
    const origin = c.req.header('origin');
    const allowedOrigin = origin !== undefined && allowed.has(origin);
    if (allowedOrigin) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined) {
      if (allowedOrigin) {
        c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
        c.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
        c.header('Access-Control-Max-Age', '600');
      }
      return c.body(null, 204);
    }
    return next();
  };
}
