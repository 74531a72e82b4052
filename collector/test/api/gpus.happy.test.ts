import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, gpuSample, makeHarness, mintTenant, report, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness({
    deps: {
      catalog: { hasInstanceType: (p, t) => p === 'aws' && ['p3.2xlarge', 'p3.8xlarge'].includes(t) },
      pricing: {
        price: (g) => (g.instanceType === 'p3.8xlarge' ? { cost_per_hour: 12.24, savings: 1250 } : { cost_per_hour: null, savings: null }),
        revision: () => 0,
      },
    },
  });
});
afterEach(() => h.close());

describe('GET /api/gpus', () => {
  it("lists the GPUs the tenant's agents reported, with API-SPEC fields, uuid, host and last_seen_at", async () => {
    const t = await mintTenant(h);
    report(h, t.user.id, [gpuSample('GPU-aaa'), gpuSample('GPU-bbb', { index: 1, utilization_gpu_pct: 0 })]);
    const res = await call(h, 'GET', '/api/gpus', { headers: t.auth });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ total: 2, page: 1, per_page: 20 });
    expect(res.body.pagination).toEqual({ page: 1, per_page: 20, total: 2, pages: 1, has_next: false, has_prev: false });
    const [a, b] = res.body.data.gpus;
    expect(a).toMatchObject({
      uuid: 'GPU-aaa', name: 'NVIDIA A100-SXM4-40GB', provider: 'aws', instance_type: 'p4d.24xlarge', status: 'active',
      utilization: 85, memory_total_mib: 40960, cost_per_hour: null, savings: null, host: { id: 'host-1', hostname: 'gpu-07' },
      last_seen_at: '2026-01-15T10:30:00.000Z', created_at: '2026-01-15T10:30:00.000Z', source: 'agent',
    });
    expect(a.id).toMatch(/^gpu_/);
    expect(b).toMatchObject({ uuid: 'GPU-bbb', status: 'idle', utilization: 0 });
  });

  it('turns a GPU offline when no reading arrives for 5 minutes, and filters by status and provider', async () => {
    const t = await mintTenant(h);
    report(h, t.user.id, [gpuSample('GPU-old')]);
    h.clock.advance(6 * 60_000);
    report(h, t.user.id, [gpuSample('GPU-new')], h.clock.now(), 'host-2');
    const all = await call(h, 'GET', '/api/gpus', { headers: t.auth });
    expect(all.body.data.gpus.map((g: { uuid: string; status: string }) => `${g.uuid}:${g.status}`)).toEqual(['GPU-old:offline', 'GPU-new:active']);
    const offline = await call(h, 'GET', '/api/gpus?status=offline', { headers: t.auth });
    expect(offline.body.data.gpus.map((g: { uuid: string }) => g.uuid)).toEqual(['GPU-old']);
    expect((await call(h, 'GET', '/api/gpus?provider=gcp', { headers: t.auth })).body.data.total).toBe(0);
    expect((await call(h, 'GET', '/api/gpus?provider=aws&status=active', { headers: t.auth })).body.data.total).toBe(1);
  });

  it('paginates with page and per_page', async () => {
    const t = await mintTenant(h);
    report(h, t.user.id, Array.from({ length: 5 }, (_, i) => gpuSample(`GPU-${i}`, { index: i })));
    const res = await call(h, 'GET', '/api/gpus?page=2&per_page=2', { headers: t.auth });
    expect(res.body.data.gpus.map((g: { uuid: string }) => g.uuid)).toEqual(['GPU-2', 'GPU-3']);
    expect(res.body.pagination).toEqual({ page: 2, per_page: 2, total: 5, pages: 3, has_next: true, has_prev: true });
  });

  it("never shows another tenant's GPUs", async () => {
    const a = await mintTenant(h);
    const b = await mintTenant(h);
    report(h, a.user.id, [gpuSample('GPU-same')]);
    report(h, b.user.id, [gpuSample('GPU-same')]);
    const res = await call(h, 'GET', '/api/gpus', { headers: b.auth });
    expect(res.body.data.total).toBe(1);
    expect(res.body.data.gpus[0].id).not.toBe((await call(h, 'GET', '/api/gpus', { headers: a.auth })).body.data.gpus[0].id);
  });
});

describe('manual GPUs', () => {
  it('adds one with encrypted credentials that are never returned or logged, prices it, and shows details', async () => {
    const t = await mintTenant(h);
    const res = await call(h, 'POST', '/api/gpus', {
      headers: t.auth,
      body: { name: 'Training GPU 2', provider: 'aws', instance_type: 'p3.8xlarge', region: 'us-east-1', access_key: 'AKIAEXAMPLEKEY123', secret_key: 's3cr3t/VALUE+xyz' },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ name: 'Training GPU 2', provider: 'aws', instance_type: 'p3.8xlarge', region: 'us-east-1', status: 'offline', source: 'manual', has_credentials: true, cost_per_hour: 12.24, savings: 1250 });
    const id = res.body.data.id as string;
    const detail = await call(h, 'GET', `/api/gpus/${id}`, { headers: t.auth });
    for (const text of [JSON.stringify(res.body), JSON.stringify(detail.body), h.logs.join('\n')]) {
      expect(text).not.toContain('AKIAEXAMPLEKEY123');
      expect(text).not.toContain('s3cr3t/VALUE+xyz');
    }
    expect(h.store.gpus.credentials(t.user.id, id)).toEqual({ accessKey: 'AKIAEXAMPLEKEY123', secretKey: 's3cr3t/VALUE+xyz' });
  });

  it('renames, changes instance type, clears credentials, then deletes', async () => {
    const t = await mintTenant(h);
    const id = (await call(h, 'POST', '/api/gpus', { headers: t.auth, body: { name: 'g', provider: 'aws', instance_type: 'p3.2xlarge', access_key: 'a', secret_key: 'b' } })).body.data.id;
    const patched = await call(h, 'PATCH', `/api/gpus/${id}`, { headers: t.auth, body: { name: 'renamed', instance_type: 'p3.8xlarge', access_key: null, secret_key: null } });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ name: 'renamed', instance_type: 'p3.8xlarge', has_credentials: false });
    expect((await call(h, 'DELETE', `/api/gpus/${id}`, { headers: t.auth })).body.data).toEqual({ id, deleted: true });
    expect((await call(h, 'GET', `/api/gpus/${id}`, { headers: t.auth })).status).toBe(404);
  });
});

describe('GET /api/gpus/{id}', () => {
  it('shows inventory, host, cloud, the latest reading and its processes', async () => {
    const t = await mintTenant(h);
    report(h, t.user.id, [gpuSample('GPU-aaa')]);
    const id = (await call(h, 'GET', '/api/gpus', { headers: t.auth })).body.data.gpus[0].id;
    const res = await call(h, 'GET', `/api/gpus/${id}`, { headers: t.auth });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      uuid: 'GPU-aaa', model: 'NVIDIA A100-SXM4-40GB', zone: 'us-east-1a', lifecycle: 'on_demand', status: 'active',
      cloud: { provider: 'aws', instance_type: 'p4d.24xlarge' },
      host_info: { hostname: 'gpu-07', cpu_cores: 96 },
      latest_reading: { utilization_gpu_pct: 85, memory_used_mib: 31000, ts: '2026-01-15T10:30:00.000Z' },
      processes: [{ pid: 4242, name: 'python', used_memory_mib: 30500 }],
    });
  });

  it('keeps a user-given name when the agent reports again, and a replayed older report does not overwrite the reading', async () => {
    const t = await mintTenant(h);
    report(h, t.user.id, [gpuSample('GPU-aaa', { utilization_gpu_pct: 50 })]);
    const id = (await call(h, 'GET', '/api/gpus', { headers: t.auth })).body.data.gpus[0].id;
    expect((await call(h, 'PATCH', `/api/gpus/${id}`, { headers: t.auth, body: { name: 'trainer' } })).status).toBe(200);
    report(h, t.user.id, [gpuSample('GPU-aaa', { utilization_gpu_pct: 10 })], new Date(h.clock.now().getTime() - 60_000));
    const res = await call(h, 'GET', `/api/gpus/${id}`, { headers: t.auth });
    expect(res.body.data).toMatchObject({ name: 'trainer', utilization: 50 });
  });
});
