import { afterEach, describe, expect, it } from 'vitest';
import { call, errorCode, makeHarness, mintTenant, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h.close());

describe('health', () => {
  it('puts API-SPEC body in data with each service real state; degraded is 200, unhealthy is 503 with the body in details', async () => {
    h = makeHarness();
    const ok = await call(h, 'GET', '/api/health');
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ status: 'healthy', version: '9.9.9', timestamp: '2026-01-15T10:30:00.000Z', services: { database: 'healthy' } });
    h.health['metrics_store'] = { status: 'degraded', latency_ms: 900 };
    expect((await call(h, 'GET', '/api/health')).body.data.status).toBe('degraded');
    h.health['metrics_store'] = { status: 'unhealthy', latency_ms: null, error: 'connection refused' };
    const bad = await call(h, 'GET', '/api/health');
    expect(bad.status).toBe(503);
    expect(errorCode(bad)).toBe('UNAVAILABLE');
    expect(bad.body.error.details).toMatchObject({ status: 'unhealthy', services: { metrics_store: 'unhealthy' }, checks: { metrics_store: { error: 'connection refused' } } });
  });
});

describe('cross-cutting', () => {
  it('puts a request id on every response, keeping a well-formed one the client sent', async () => {
    h = makeHarness();
    const a = await call(h, 'GET', '/api/health');
    const b = await call(h, 'GET', '/api/nope');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get('x-request-id')).toBe(b.body.error.request_id);
    expect((await call(h, 'GET', '/api/health', { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id')).toBe('abc-123');
  });

  it('rate-limits a free user at 100/h with headers on every response, then 429 with Retry-After; the next hour resets', async () => {
    h = makeHarness();
    const t = await mintTenant(h, { ttlSeconds: 7200 });
    const reset = String(Math.ceil((h.clock.now().getTime() + 3_600_000) / 1000));
    for (let i = 1; i <= 100; i++) {
      const res = await call(h, 'GET', i % 2 ? '/api/gpus' : '/api/gpus/gpu_missing', { headers: t.auth });
      expect(res.headers.get('x-ratelimit-limit')).toBe('100');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(100 - i));
      expect(res.headers.get('x-ratelimit-reset')).toBe(reset);
    }
    h.clock.advance(60_000);
    const limited = await call(h, 'GET', '/api/gpus', { headers: t.auth });
    expect(limited.status).toBe(429);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toBe('3540');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    h.clock.advance(3_540_000);
    expect((await call(h, 'GET', '/api/gpus', { headers: t.auth })).status).toBe(200);
  });

  it('keys limits per API key apart from the user, shows unlimited for custom, and limits anonymous callers by address', async () => {
    h = makeHarness({ config: { anonymousRequestsPerHour: 3 } });
    const custom = await mintTenant(h, { plan: 'custom' });
    const res = await call(h, 'GET', '/api/gpus', { headers: custom.auth });
    expect([res.headers.get('x-ratelimit-limit'), res.headers.get('x-ratelimit-remaining')]).toEqual(['unlimited', 'unlimited']);
    const t = await mintTenant(h, { plan: 'professional' });
    await call(h, 'GET', '/api/gpus', { headers: t.auth });
    const key = (await call(h, 'POST', '/api/api-keys', { headers: t.auth, body: { name: 'k' } })).body.data.key;
    const viaKey = await call(h, 'GET', '/api/gpus', { headers: { authorization: `Bearer ${key}` } });
    expect([viaKey.headers.get('x-ratelimit-limit'), viaKey.headers.get('x-ratelimit-remaining')]).toEqual(['1000', '999']);
    for (let i = 0; i < 3; i++) expect((await call(h, 'GET', '/api/health')).status).toBe(200);
    expect((await call(h, 'GET', '/api/health')).status).toBe(429);
  });

  it('allows listed CORS origins only and sets security headers', async () => {
    h = makeHarness();
    const allowed = await call(h, 'OPTIONS', '/api/gpus', { headers: { origin: 'https://app.gpuoptimizer.ai', 'access-control-request-method': 'GET' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.gpuoptimizer.ai');
    const denied = await call(h, 'GET', '/api/health', { headers: { origin: 'https://evil.example' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    expect(denied.headers.get('x-content-type-options')).toBe('nosniff');
    expect(denied.headers.get('x-frame-options')).toBe('DENY');
    expect(denied.headers.get('strict-transport-security')).toContain('max-age=');
    expect(denied.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('documents', () => {
  it('documents every registered route in OpenAPI 3.1 (a route missing from the document fails here)', async () => {
    h = makeHarness();
    const doc = (await call(h, 'GET', '/api/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    // Middleware (every method, or the body limit on the body methods) is registered for path `/*`.
    const served = h.app.routes.filter((r) => r.method !== 'ALL' && r.path !== '/*').map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(served.length).toBeGreaterThan(15);
    expect(documented.sort()).toEqual([...new Set(served)].sort());
    const list = doc.paths['/api/gpus']?.['get'] as { parameters: { name: string }[] };
    expect(list.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['page', 'per_page', 'status', 'provider']));
  });

  it('serves a Postman collection and an HTML docs page over the same routes', async () => {
    h = makeHarness();
    const postman = await call(h, 'GET', '/api/postman.json');
    expect(postman.body.info.schema).toContain('v2.1.0');
    const count = (postman.body.item as { item: unknown[] }[]).reduce((n, folder) => n + folder.item.length, 0);
    expect(count).toBe(h.routes.length);
    const docs = await call(h, 'GET', '/api/docs');
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.body).toContain('/api/gpus/{id}');
  });
});
