/**
 * How the API reads request headers and writes responses.
 *
 * Response headers live in one plain object per request (created by the frame step), and
 * every response is built by `send`, which hands that object to the Response as it is. Under
 * @hono/node-server a Response built from a string or bytes and a plain header object goes
 * straight to `writeHead`; Hono's `c.header()` instead keeps a WHATWG Headers object, which
 * validates and sorts each name on every set and is copied again on write — a quarter of the
 * server time of GET /api/gpus when measured with `npm run bench:api`.
 *
 * Request headers are read from Node's IncomingMessage when the app is served by
 * @hono/node-server (c.env.incoming), which spares building a Headers object for the request;
 * in-process (`app.request`, tests) they come from the Request.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env.js';

/** The Content-Type of the API's JSON. */
export const JSON_TYPE = 'application/json';

/** The request's response headers (empty outside the pipeline, e.g. in unit tests). */
export function responseHeadersOf(c: Context<AppEnv>): Record<string, string> {
  let h = c.get('responseHeaders');
  if (!h) {
    h = {};
    c.set('responseHeaders', h);
  }
  return h;
}

/** Sets one response header of this request. */
export function setHeader(c: Context<AppEnv>, name: string, value: string): void {
  responseHeadersOf(c)[name] = value;
}

/** Builds the response: the request's headers plus Content-Type (none for a null body). */
export function send(c: Context<AppEnv>, status: StatusCode, body: string | Uint8Array | null, contentType?: string): Response {
  const headers = responseHeadersOf(c);
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  const res = new Response(body, { status, headers });
  c.set('sent', res);
  return res;
}

/**
 * Makes sure a response carries the request's headers: those from `send` do; any other (built by
 * Hono or a library) is given the ones it lacks, on this slower path.
 */
export function withRequestHeaders(c: Context<AppEnv>, res: Response): Response {
  // A response from `send` for this request carries them already.
  if (c.get('sent') === res) return res;
  for (const [name, value] of Object.entries(responseHeadersOf(c))) {
    if (!res.headers.has(name)) res.headers.set(name, value);
  }
  return res;
}

/** A request header by lower-case name (repeated headers joined with `, `, as Node does). */
export function requestHeader(c: Context<AppEnv>, name: string): string | undefined {
  const incoming: IncomingMessage | undefined = c.env?.incoming;
  if (incoming) {
    const v = incoming.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  }
  return c.req.header(name);
}
