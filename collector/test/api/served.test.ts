// The API served the way `gpuoptimizer-collector serve` serves it (@hono/node-server on a real
// socket), where request headers are read from Node's IncomingMessage and responses are written
// from plain header objects: the same contract as in-process, checked over HTTP.
import { serve, type ServerType } from '@hono/node-server';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuSample, makeHarness, mintTenant, report, type Harness, type Tenant } from './harness.js';

let h: Harness;
let server: ServerType;
let base: string;
let alice: Tenant;
let bob: Tenant;

beforeAll(async () => {
  h = makeHarness();
  alice = await mintTenant(h, { plan: 'professional' });
  bob = await mintTenant(h);
  // A name outside ASCII, so Content-Length (bytes) and the character count differ.
  report(h, alice.user.id, [gpuSample('GPU-a1'), gpuSample('GPU-a2', { index: 1, name: 'Tesla Ü-显卡 🚀' })]);
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  h.close();
});

async function get(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  return { res, text, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * Declares a 2 MiB body and sends none of it: the limit is enforced on the declared length, so the
 * answer comes before any upload (an early answer to a client still uploading may meet a closed
 * socket, which is not what this checks).
 */
function declareOversized(path: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

function expectFrameHeaders(res: Response): void {
  expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  expect(res.headers.get('vary')).toBe('Origin');
}

describe('the API over HTTP', () => {
  it('lists the caller’s GPUs with an exact Content-Length, the frame headers and the rate-limit headers', async () => {
    const { res, text, json } = await get('/api/gpus', alice.auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expectFrameHeaders(res);
    expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('999');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    expect(json?.['success']).toBe(true);
    expect(json?.['data'].gpus.map((g: { uuid: string }) => g.uuid).sort()).toEqual(['GPU-a1', 'GPU-a2']);
    expect(text.length).toBeLessThan(Buffer.byteLength(text));
    expect(json?.['data'].gpus.find((g: { uuid: string }) => g.uuid === 'GPU-a2').name).toBe('Tesla Ü-显卡 🚀');
    expect(json?.['pagination']).toMatchObject({ page: 1, total: 2 });
  });

  it('keeps tenants apart and takes an API key from the query string', async () => {
    expect((await get('/api/gpus', bob.auth)).json?.['data'].gpus).toEqual([]);
    const created = await get('/api/api-keys', { ...alice.auth, 'content-type': 'application/json' }, 'POST', JSON.stringify({ name: 'ci', scope: 'api' }));
    expect(created.res.status).toBe(201);
    const key = created.json?.['data'].key as string;
    const viaQuery = await get(`/api/gpus?api_key=${encodeURIComponent(key)}`);
    expect(viaQuery.res.status).toBe(200);
    expect(viaQuery.json?.['data'].gpus).toHaveLength(2);
  });

  it('refuses a missing or forged credential with 401, WWW-Authenticate and the same request id in body and header', async () => {
    for (const headers of [{}, { authorization: `Bearer ${alice.token}x` }, { authorization: 'Basic abc' }]) {
      const { res, json } = await get('/api/gpus', headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expectFrameHeaders(res);
      expect(json?.['error']).toMatchObject({ code: 'UNAUTHORIZED', request_id: res.headers.get('x-request-id') });
      expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    }
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    expect((await get('/api/health', { 'x-request-id': 'trace-42_a=' })).res.headers.get('x-request-id')).toBe('trace-42_a=');
    const replaced = (await get('/api/health', { 'x-request-id': 'not ok; <script>' })).res.headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    expect((await get('/api/health', { 'x-request-id': 'a'.repeat(256) })).res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const preflight = { 'access-control-request-method': 'POST' };
    const allowed = await get('/api/gpus', { ...preflight, origin: 'https://app.gpuoptimizer.ai' }, 'OPTIONS');
    expect(allowed.res.status).toBe(204);
    expect(allowed.res.headers.get('access-control-allow-origin')).toBe('https://app.gpuoptimizer.ai');
    expect(allowed.res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.res.headers.get('access-control-allow-headers')).toContain('Authorization');
    const denied = await get('/api/gpus', { ...preflight, origin: 'https://evil.example' }, 'OPTIONS');
    expect(denied.res.status).toBe(204);
    expect(denied.res.headers.get('access-control-allow-origin')).toBeNull();
    expectFrameHeaders(denied.res);
    const simple = await get('/api/gpus', { ...alice.auth, origin: 'https://app.gpuoptimizer.ai' });
    expect(simple.res.headers.get('access-control-allow-origin')).toBe('https://app.gpuoptimizer.ai');
    expect(simple.res.headers.get('access-control-expose-headers')).toContain('X-RateLimit-Remaining');
  });

  it('answers malformed JSON with 400, an oversized body with 413 and an unknown route with 404, all in the envelope', async () => {
    const json = { 'content-type': 'application/json' };
    const malformed = await get('/api/auth/login', json, 'POST', '{"email":');
    expect(malformed.res.status).toBe(400);
    expect(malformed.json?.['error'].code).toBe('INVALID_REQUEST');
    const big = await declareOversized('/api/auth/login');
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(big.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await get('/api/nope', alice.auth);
    expect(missing.res.status).toBe(404);
    expect(missing.json?.['error'].code).toBe('NOT_FOUND');
    expectFrameHeaders(missing.res);
  });

  it('serves the docs page as HTML with its own Content-Security-Policy', async () => {
    const { res, text } = await get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(text).toContain('<html');
    expectFrameHeaders(res);
  });
});
