import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, makeHarness, mintTenant, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

describe('admin', () => {
  it('lists users with their subscription, filtered by status and paginated (per_page defaults to 50)', async () => {
    const admin = await mintTenant(h, { role: 'admin' });
    const u1 = await mintTenant(h);
    const u2 = await mintTenant(h);
    h.store.users.setStatus(u2.user.id, 'trial');
    const all = await call(h, 'GET', '/api/admin/users', { headers: admin.auth });
    expect(all.status).toBe(200);
    expect(all.body.data).toMatchObject({ total: 3, page: 1, per_page: 50 });
    expect(all.body.data.users.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([admin.user.id, u1.user.id, u2.user.id]));
    expect(all.body.data.users[0].subscription_id).toMatch(/^sub_/);
    expect(JSON.stringify(all.body)).not.toMatch(/password|scrypt/);
    const trial = await call(h, 'GET', '/api/admin/users?status=trial&per_page=1', { headers: admin.auth });
    expect(trial.body.data.users.map((u: { id: string }) => u.id)).toEqual([u2.user.id]);
    expect(trial.body.pagination).toMatchObject({ total: 1, per_page: 1, pages: 1 });
  });

  it('updates a subscription, audits it, and the new plan sets the rate limit at once', async () => {
    const admin = await mintTenant(h, { role: 'admin', plan: 'custom' });
    const u = await mintTenant(h);
    expect((await call(h, 'GET', '/api/user/profile', { headers: u.auth })).headers.get('x-ratelimit-limit')).toBe('100');
    const subId = h.store.subscriptions.byTenant(u.user.id)?.id;
    const res = await call(h, 'PUT', `/api/admin/subscriptions/${subId}`, { headers: admin.auth, body: { status: 'active', plan: 'enterprise', discount: 20 } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: subId, tenant_id: u.user.id, plan: 'enterprise', status: 'active', discount: 20 });
    const after = await call(h, 'GET', '/api/user/profile', { headers: u.auth });
    expect(after.body.data.plan).toBe('enterprise');
    expect(after.headers.get('x-ratelimit-limit')).toBe('10000');
    const audit = h.store.audit.forTarget('subscription', subId ?? '');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: admin.user.id, action: 'subscription.update',
      detail: { before: { plan: 'free', discount_pct: 0 }, after: { plan: 'enterprise', discount_pct: 20 } },
    });
  });

  it('reports process, request-rate, service and composition-root figures', async () => {
    const admin = await mintTenant(h, { role: 'admin' });
    await call(h, 'GET', '/api/nope');
    const res = await call(h, 'GET', '/api/admin/metrics', { headers: admin.auth });
    expect(res.status).toBe(200);
    expect(res.body.data.process).toMatchObject({ rss_mib: expect.any(Number), cpu_user_s: expect.any(Number) });
    expect(res.body.data.api).toMatchObject({ requests_total: 1, client_errors_total: 1, server_errors_total: 0 });
    expect(res.body.data.api.requests_per_s_1m).toBeCloseTo(1 / 60);
    expect(res.body.data.services).toEqual({ database: { status: 'healthy', latency_ms: 0.1 } });
    expect(res.body.data.system).toEqual({ ingest: { batches_per_s: 1.5 }, stored_samples: 42 });
  });
});
