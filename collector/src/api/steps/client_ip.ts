/** The caller's address: the socket's, or X-Forwarded-For's first hop when the proxy is trusted. */
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { requestHeader } from '../http.js';

/** Best-effort client address; `unknown` in-process (app.request) where there is no socket. */
export function clientIp(c: Context<AppEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = requestHeader(c, 'x-forwarded-for');
    const first = fwd?.split(',')[0]?.trim();
    if (first) return first;
  }
  return c.env?.incoming?.socket.remoteAddress ?? 'unknown';
}
