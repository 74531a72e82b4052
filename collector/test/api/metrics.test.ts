// GET /api/gpus/{id}/metrics and GET /api/stats over a real chDB metrics store and a real SQLite
// app store: rollups and raw reads, defaults, bad input named by field, tenant isolation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireSample } from '@gpuoptimizer/shared';
import { openMetricsStore, type MetricsReader, type MetricsStore } from '../../src/stores/metrics/index.js';
import { call, errorCode, gpuSample, hostInfo, makeHarness, mintTenant, report, type Harness, type Tenant } from './harness.js';

const HOUR = 3_600_000;
let dir: string;
let store: MetricsStore;
let reader: MetricsReader;
let h: Harness;
let alice: Tenant;
let bob: Tenant;
let gpuId: string;

function samples(from: number, count: number, stepMs: number, util: (k: number) => number): WireSample[] {
  return Array.from({ length: count }, (_, k) => ({
    ts_unix_ms: from + k * stepMs, agent: { id: 'agent-1', version: 't' }, host: hostInfo(), cloud: null, processes: [],
    gpus: [gpuSample('GPU-alice-0', { utilization_gpu_pct: util(k), memory_used_mib: 1000 + k, temperature_c: 50 + (k % 10), power_draw_w: 200 })],
  }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpuopt-metrics-api-'));
  ({ store, reader } = await openMetricsStore({ dataDir: dir, database: 'm', rawTtlDays: 3650, rollupTtlDays: 3650 }));
  h = makeHarness({
    deps: {
      metrics: {
        usage: reader,
        series: (t, g, s, e, i) => reader.series(t, g, s, e, i),
        coverage: (s, e) => reader.coverage(s, e),
        activeGpus: (since) => reader.activeGpus(since),
        customers: () => h.store.users.list({ page: 1, perPage: 1 }).total,
      },
    },
  });
  alice = await mintTenant(h);
  bob = await mintTenant(h);
  report(h, alice.user.id, [gpuSample('GPU-alice-0')]);
  gpuId = h.store.gpus.list(alice.user.id, { page: 1, perPage: 10, onlineSince: new Date(0).toISOString(), idleBelowPct: 5 }).rows[0]!.id;
  const now = h.clock.now().getTime();
  // The last 3 hours, one sample a minute: util 10, 20, 30 … by hour.
  await store.writeBatch(alice.user.id, 'agent-1', 1, samples(now - 3 * HOUR, 180, 60_000, (k) => 10 * (1 + Math.floor(k / 60))));
  // 10 days ago, for day/week reads.
  await store.writeBatch(alice.user.id, 'agent-1', 2, samples(now - 10 * 24 * HOUR, 60, 60_000, () => 100));
});
afterAll(async () => {
  h.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/gpus/{id}/metrics', () => {
  it('defaults to the last 24 hours at hourly resolution from the rollups', async () => {
    const r = await call(h, 'GET', `/api/gpus/${gpuId}/metrics`, { headers: alice.auth });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ gpu_id: gpuId, interval: 'hour' });
    const pts = r.body.data.points as Array<Record<string, number | string>>;
    expect(pts.map((p) => p.samples)).toEqual([30, 60, 60, 30]); // the clock sits at :30
    expect(pts[1]).toMatchObject({ utilization_avg: expect.any(Number), utilization_max: expect.any(Number), power_avg_w: 200 });
    expect(Object.keys(pts[0]!).sort()).toEqual(['memory_used_avg_mib', 'memory_used_max_mib', 'power_avg_w', 'samples', 'temperature_max_c', 'ts', 'utilization_avg', 'utilization_max', 'utilization_p95'].sort());
  });

  it('reads raw samples at minute resolution', async () => {
    const now = h.clock.now().getTime();
    const r = await call(h, 'GET', `/api/gpus/${gpuId}/metrics?interval=minute&start_date=${new Date(now - HOUR).toISOString()}&end_date=${new Date(now).toISOString()}`, { headers: alice.auth });
    expect(r.status).toBe(200);
    expect(r.body.data.points).toHaveLength(60);
    expect(r.body.data.points[59]).toMatchObject({ utilization_avg: 30, utilization_max: 30, samples: 1 });
  });

  it('aggregates days and weeks from the rollups', async () => {
    const day = await call(h, 'GET', `/api/gpus/${gpuId}/metrics?interval=day&start_date=2026-01-01&end_date=2026-01-15`, { headers: alice.auth });
    expect(day.status).toBe(200);
    expect((day.body.data.points as Array<{ samples: number }>).reduce((a, p) => a + p.samples, 0)).toBe(240);
    const week = await call(h, 'GET', `/api/gpus/${gpuId}/metrics?interval=week&start_date=2025-12-01&end_date=2026-01-15`, { headers: alice.auth });
    expect((week.body.data.points as Array<{ utilization_max: number }>).map((p) => p.utilization_max)).toContain(100);
  });

  it.each([
    ['start_date=yesterday', 'query.start_date'],
    ['end_date=2026-13-45', 'query.end_date'],
    ['start_date=2026-01-10&end_date=2026-01-01', 'query.end_date'],
    ['start_date=2024-01-01&end_date=2026-01-01', 'query.start_date'],
    ['interval=fortnight', 'query.interval'],
    ['interval=minute&start_date=2026-01-01&end_date=2026-01-10', 'query.interval'],
  ])('answers 400 naming the field for %s', async (qs, field) => {
    const r = await call(h, 'GET', `/api/gpus/${gpuId}/metrics?${qs}`, { headers: alice.auth });
    expect(r.status).toBe(400);
    expect(errorCode(r)).toBe('INVALID_REQUEST');
    expect(String(r.body.error.details)).toContain(field);
  });

  it('answers 404 for another tenant’s GPU and for unknown ids', async () => {
    expect((await call(h, 'GET', `/api/gpus/${gpuId}/metrics`, { headers: bob.auth })).status).toBe(404);
    expect((await call(h, 'GET', '/api/gpus/gpu_doesnotexist/metrics', { headers: alice.auth })).status).toBe(404);
  });

  it('needs credentials', async () => {
    expect((await call(h, 'GET', `/api/gpus/${gpuId}/metrics`)).status).toBe(401);
  });
});

describe('GET /api/stats', () => {
  it('answers API-SPEC’s shape from real data', async () => {
    const r = await call(h, 'GET', '/api/stats');
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ total_customers: 2, total_revenue: 0, monthly_revenue: 0, active_gpus: 1, cost_savings: 0 });
    // 4 of the expected hours since the GPU's first hour in the window hold data.
    expect(r.body.data.uptime).toMatch(/^\d{1,3}(\.\d)?%$/);
    expect(parseFloat(r.body.data.uptime)).toBeLessThan(100);
  });
});
