// The prepared-envelope path of cached responses gives byte-for-byte what ok() gives, with a
// Content-Length in bytes; its timestamps and the pricing revision that invalidates cached pages.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/api/env.js';
import { createRecommendationCache } from '../../src/api/recommendations/index.js';
import { isoStamper, ok, prepareEnvelope, sendPrepared } from '../../src/api/respond.js';
import { TestClock } from './harness.js';

describe('prepared envelopes', () => {
  it('send the same JSON as ok(), stamped now, with the length in UTF-8 bytes', async () => {
    const clock = new TestClock();
    const data = { gpus: [{ id: 'gpu_1', name: 'Tesla Ü-显卡 🚀' }], total: 1, page: 1, per_page: 20 };
    const env = prepareEnvelope(JSON.stringify(data), 'GPUs “listed”', { page: 1, perPage: 20, total: 1 });
    const app = new Hono<AppEnv>();
    app.get('/prepared', (c) => sendPrepared(c, isoStamper()(clock.now()), env));
    app.get('/ok', (c) => ok(c, clock, data, 'GPUs “listed”', { page: { page: 1, perPage: 20, total: 1 } }));
    const prepared = await app.request('/prepared');
    const text = await prepared.text();
    expect(text).toBe(await (await app.request('/ok')).text());
    expect(JSON.parse(text)).toMatchObject({ success: true, data, message: 'GPUs “listed”', timestamp: '2026-01-15T10:30:00.000Z', pagination: { total: 1, pages: 1 } });
    expect(prepared.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(prepared.headers.get('content-type')).toBe('application/json');
  });

  it('format the time once per millisecond and follow the clock', () => {
    const clock = new TestClock();
    const stamp = isoStamper();
    const first = stamp(clock.now());
    expect(first).toBe('2026-01-15T10:30:00.000Z');
    expect(stamp(clock.now())).toBe(first);
    clock.advance(1);
    expect(stamp(clock.now())).toBe('2026-01-15T10:30:00.001Z');
    clock.advance(-86_400_000);
    expect(stamp(clock.now())).toBe('2026-01-14T10:30:00.001Z');
  });
});

describe('pricing revision', () => {
  const evaluation = (ids: string[]) => ({
    gpu_ids: ids,
    result: { instance: { usd_per_gpu_hour: 2, gpu_count: ids.length }, recommendations: [], total_potential_savings: 0 },
  }) as unknown as Parameters<ReturnType<typeof createRecommendationCache>['put']>[1];

  it('moves with every evaluation of the tenant, never back to a value seen before, and not for other tenants', () => {
    const cache = createRecommendationCache(3_600_000, 2);
    const now = new Date();
    const seen: number[] = [cache.revision('t1')];
    cache.put('t1', evaluation(['g1']), now);
    seen.push(cache.revision('t1'));
    const t2Before = cache.revision('t2');
    cache.put('t1', evaluation(['g1']), now);
    seen.push(cache.revision('t1'));
    expect(new Set(seen).size).toBe(3);
    expect(cache.revision('t2')).toBe(t2Before);
    // Filling past maxEntries forgets t1's revision: it must not fall back to any earlier value.
    cache.put('t2', evaluation(['g2']), now);
    cache.put('t3', evaluation(['g3']), now);
    expect(seen).not.toContain(cache.revision('t1'));
  });
});
