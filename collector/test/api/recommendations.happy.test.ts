/**
 * GET /api/gpus/{id}/optimize and GET /api/recommendations through the real app and store:
 * API-SPEC's shape inside the envelope, the instance's sibling GPUs read over a tenant- and
 * window-bounded lookback, the fleet sorted by savings, and GET /api/gpus priced by the same engine.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDLE, MIB, TRAINING, money, trace } from '../domain/recommendations/traces.js';
import { call, gpuSample, mintTenant, type Tenant } from './harness.js';
import { makeRecommendationHarness, reportHost } from './recommendations_harness.js';

let h: ReturnType<typeof makeRecommendationHarness>;
beforeEach(() => {
  h = makeRecommendationHarness();
});
afterEach(() => h.close());

const p4d = { provider: 'aws', instance_type: 'p4d.24xlarge', region: 'us-east-1', lifecycle: 'on_demand' } as const;
const g5 = { provider: 'aws', instance_type: 'g5.xlarge', region: 'us-east-1', lifecycle: 'on_demand' } as const;

/** A p4d with 2 of 8 GPUs training (host-1) and an idle g5.xlarge (host-2). */
function seedFleet(t: Tenant): void {
  const a100s = Array.from({ length: 8 }, (_, i) => gpuSample(`GPU-${i}`, { index: i }));
  reportHost(h, t.user.id, 'host-1', p4d, a100s);
  reportHost(h, t.user.id, 'host-2', g5, [gpuSample('GPU-g5', { name: 'NVIDIA A10G', memory_total_mib: MIB.A10G })]);
  h.usage.set(t.user.id, trace(8, MIB.A100_40, (_, gpu) => (gpu < 2 ? TRAINING : IDLE)));
  h.usage.set(t.user.id, trace(1, MIB.A10G, () => IDLE).map((u) => ({ ...u, gpu_uuid: 'GPU-g5' })));
}

async function gpuIds(t: Tenant): Promise<Record<string, string>> {
  const res = await call(h, 'GET', '/api/gpus?per_page=100', { headers: t.auth });
  return Object.fromEntries(res.body.data.gpus.map((g: { uuid: string; id: string }) => [g.uuid, g.id]));
}

describe('GET /api/gpus/{id}/optimize', () => {
  it('answers for the whole instance in API-SPEC shape, priced from the named catalog', async () => {
    const t = await mintTenant(h);
    seedFleet(t);
    const ids = await gpuIds(t);
    const res = await call(h, 'GET', `/api/gpus/${ids['GPU-5']}/optimize`, { headers: t.auth });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const data = res.body.data;
    expect(data.gpu_id).toBe(ids['GPU-5']);
    expect(data.gpu_ids).toHaveLength(8);
    expect(data.recommendations).toHaveLength(1);
    expect(data.recommendations[0]).toMatchObject({
      type: 'instance_type', current: 'p4d.24xlarge', recommended: 'g6e.12xlarge', potential_savings: money((21.957642 - 10.49264) * 730),
    });
    expect(data.recommendations[0].confidence).toBeGreaterThan(0);
    expect(data.recommendations[0].evidence).toMatchObject({ hours_of_data: 336, busy_gpus: 2, lookback: { days: 14 } });
    expect(data.total_potential_savings).toBe(data.recommendations[0].potential_savings);
    expect(data.catalog).toMatchObject({ file: 'gpu-instances.csv', rows: 104, captured_at: null });
    expect(data.catalog.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.message).toBe(data.message);
  });

  it('reads only this tenant\u2019s GPUs of that host, over exactly the 14-day lookback', async () => {
    const t = await mintTenant(h);
    seedFleet(t);
    const ids = await gpuIds(t);
    await call(h, 'GET', `/api/gpus/${ids['GPU-g5']}/optimize`, { headers: t.auth });
    expect(h.usage.calls).toEqual([{ tenantId: t.user.id, gpuUuid: 'GPU-g5', start: '2026-01-05T00:00:00.000Z', end: '2026-01-19T00:00:00.000Z' }]);
  });

  it('says how much data is missing when there is too little', async () => {
    const t = await mintTenant(h);
    reportHost(h, t.user.id, 'host-9', g5, [gpuSample('GPU-new')]);
    const ids = await gpuIds(t);
    const res = await call(h, 'GET', `/api/gpus/${ids['GPU-new']}/optimize?lookback_days=7`, { headers: t.auth });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'insufficient_data', recommendations: [], total_potential_savings: 0, lookback: { days: 7 } });
    expect(res.body.data.message).toContain('need at least 30 h');
  });
});

describe('GET /api/recommendations', () => {
  it('lists the fleet by savings, paginated, with the fleet total counting each instance once', async () => {
    const t = await mintTenant(h);
    seedFleet(t);
    const res = await call(h, 'GET', '/api/recommendations', { headers: t.auth });
    expect(res.status).toBe(200);
    const { recommendations, total, total_potential_savings, instances_evaluated } = res.body.data;
    expect(recommendations.map((r: { type: string; instance: { instance_type: string } }) => `${r.type}:${r.instance.instance_type}`)).toEqual([
      'instance_type:p4d.24xlarge', 'idle:g5.xlarge',
    ]);
    expect(total).toBe(2);
    expect(instances_evaluated).toBe(2);
    expect(total_potential_savings).toBe(money(money((21.957642 - 10.49264) * 730) + money(1.006 * 730)));
    expect(res.body.pagination).toEqual({ page: 1, per_page: 20, total: 2, pages: 1, has_next: false, has_prev: false });
    const page2 = await call(h, 'GET', '/api/recommendations?per_page=1&page=2', { headers: t.auth });
    expect(page2.body.data.recommendations.map((r: { type: string }) => r.type)).toEqual(['idle']);
    const idleOnly = await call(h, 'GET', '/api/recommendations?type=idle', { headers: t.auth });
    expect(idleOnly.body.data.total).toBe(1);
  });

  it('never shows another tenant\u2019s recommendations', async () => {
    const a = await mintTenant(h);
    const b = await mintTenant(h);
    seedFleet(a);
    const res = await call(h, 'GET', '/api/recommendations', { headers: b.auth });
    expect(res.body.data).toMatchObject({ total: 0, recommendations: [], instances_evaluated: 0 });
  });
});

describe('GET /api/gpus pricing', () => {
  it('shows cost per GPU-hour from the catalog at once, and savings once evaluated', async () => {
    const t = await mintTenant(h);
    seedFleet(t);
    const before = await call(h, 'GET', '/api/gpus?per_page=100', { headers: t.auth });
    const a100 = before.body.data.gpus.find((g: { uuid: string }) => g.uuid === 'GPU-0');
    expect(a100).toMatchObject({ cost_per_hour: 2.7447, savings: null });
    await call(h, 'GET', '/api/recommendations', { headers: t.auth });
    const after = await call(h, 'GET', '/api/gpus?per_page=100', { headers: t.auth });
    const byUuid = Object.fromEntries(after.body.data.gpus.map((g: { uuid: string }) => [g.uuid, g]));
    expect(byUuid['GPU-0']).toMatchObject({ cost_per_hour: 2.7447, savings: money(money((21.957642 - 10.49264) * 730) / 8) });
    expect(byUuid['GPU-g5']).toMatchObject({ cost_per_hour: 1.006, savings: money(1.006 * 730) });
  });
});
