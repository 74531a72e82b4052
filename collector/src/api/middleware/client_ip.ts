/** The caller's address: the socket's, or X-Forwarded-For's first hop when the proxy is trusted. */
import type { Context } from 'hono';

/** Best-effort client address; `unknown` in-process (app.request) where there is no socket. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = c.req.header('x-forwarded-for');
    const first = fwd?.split(',')[0]?.trim();
    if (first) return first;
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
