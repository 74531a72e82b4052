/**
 * A minimal HTTP client for link-local metadata services: one request, a hard overall time-out,
 * no proxies, no keep-alive, bodies capped. Outcomes are values, never thrown.
 */
import http from 'node:http';

/** What came back. */
export type HttpOutcome =
  | { kind: 'response'; status: number; body: string; headers: http.IncomingHttpHeaders }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

/** One request. */
export interface HttpRequest {
  url: string;
  method?: 'GET' | 'PUT';
  headers?: Record<string, string>;
  timeoutMs: number;
}

const MAX_BODY = 256 * 1024;

/** Sends one request and resolves with its outcome by the time-out at the latest. */
export function request(req: HttpRequest): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: HttpOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(o);
    };
    let r: http.ClientRequest;
    try {
      r = http.request(req.url, { method: req.method ?? 'GET', headers: req.headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (b: Buffer) => {
          size += b.length;
          if (size <= MAX_BODY) chunks.push(b);
        });
        res.on('end', () => finish({ kind: 'response', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', (e) => finish({ kind: 'error', message: e.message }));
      });
    } catch (e) {
      resolve({ kind: 'error', message: (e as Error).message });
      return;
    }
    const timer = setTimeout(() => {
      finish({ kind: 'timeout' });
      r.destroy();
    }, req.timeoutMs);
    r.on('error', (e) => finish({ kind: 'error', message: e.message }));
    r.end();
  });
}

/** The body of a 200 response, or null. */
export function okBody(o: HttpOutcome): string | null {
  return o.kind === 'response' && o.status === 200 ? o.body : null;
}

/** Joins a base URL and a path without doubling the slash. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}
